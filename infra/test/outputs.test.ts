import { BUCKET_OUTPUTS, describeOutputs, flattenOutputs, PIPELINE_VALUES, SERVER_SETTINGS } from '../src/deploy/outputs';
import { STACK_ORDER } from '../src/names';
import { parse, synthAll } from './helpers';

describe('outputs', () => {
  test('every name the server, the pipeline and destroy read is an output of some stack, in every configuration', () => {
    for (const cloudfront of [false, true]) {
      const { json } = synthAll({ cloudfront });
      const names = STACK_ORDER.flatMap((s) => Object.keys(parse(json[s]).output ?? {}));
      for (const n of [...SERVER_SETTINGS, ...PIPELINE_VALUES, ...BUCKET_OUTPUTS]) expect(names).toContain(n);
      // One name, one meaning: no output name appears in two stacks (the flat map would silently drop one).
      const visible = names.filter((n) => !n.startsWith('cross-stack-output-'));
      expect(new Set(visible).size).toBe(visible.length);
    }
  });

  test('flattening keeps named outputs and drops cdktf’s cross-stack plumbing', () => {
    expect(
      flattenOutputs({
        'chat-data': {
          QUEUE_URL: { value: 'https://sqs.us-east-1.amazonaws.com/1/chat-messages.fifo' },
          'cross-stack-output-aws_sqs_queuequeuearn': { value: 'arn', sensitive: true },
        },
        'chat-web': { SITE_URL: { value: 'http://site' }, DISTRIBUTION_ID: { value: '' } },
      }),
    ).toEqual({ QUEUE_URL: 'https://sqs.us-east-1.amazonaws.com/1/chat-messages.fifo', SITE_URL: 'http://site', DISTRIBUTION_ID: '' });
  });
});

describe('what deploy prints at the end', () => {
  const flat = { AWS_REGION: 'eu-west-1', DEPLOY_ROLE_ARN: 'arn:aws:iam::1:role/chat-deploy', SSM_PREFIX: '/chat/prod' };

  test('the two repository variables, and the branch rule of the environment the deploy role trusts', () => {
    const text = describeOutputs(flat, { repo: 'octo/chat', branch: 'main', environment: 'production' });
    expect(text).toContain('gh variable set AWS_REGION --body eu-west-1');
    expect(text).toContain('gh variable set AWS_DEPLOY_ROLE_ARN --body arn:aws:iam::1:role/chat-deploy');
    expect(text).not.toContain('SSM_PREFIX --body');
    expect(text).toContain("gh api -X PUT repos/octo/chat/environments/production -F 'deployment_branch_policy[protected_branches]=false'");
    expect(text).toContain('gh api -X POST repos/octo/chat/environments/production/deployment-branch-policies -f name=main');
  });

  test('another prefix: the workflow is told where its targets are', () => {
    expect(describeOutputs({ ...flat, SSM_PREFIX: '/demo/prod' })).toContain('gh variable set SSM_PREFIX --body /demo/prod');
  });
});
