/** Terraform outputs of the stacks, flattened to the names the server settings and the pipeline use. */

export type TerraformOutputJson = Record<string, { value: unknown; sensitive?: boolean }>;

/** Merges `terraform output -json` of each stack; cdktf's internal cross-stack outputs are left out. */
export function flattenOutputs(perStack: Record<string, TerraformOutputJson>): Record<string, string> {
  const flat: Record<string, string> = {};
  for (const outputs of Object.values(perStack)) {
    for (const [name, o] of Object.entries(outputs)) {
      if (name.startsWith('cross-stack-output-') || o.sensitive) continue;
      flat[name] = String(o.value ?? '');
    }
  }
  return flat;
}

/** Settings the server reads, in the form of the systemd unit's environment (for a run outside the instance). */
export const SERVER_SETTINGS = ['AWS_REGION', 'QUEUE_URL', 'TABLE_NAME', 'UPLOADS_BUCKET'] as const;
/** Values the deploy workflow uses; the ci stack also writes the targets to SSM under SSM_PREFIX. */
export const PIPELINE_VALUES = [
  'AWS_REGION',
  'DEPLOY_ROLE_ARN',
  'SSM_PREFIX',
  'ARTIFACT_BUCKET',
  'INSTANCE_ID',
  'SITE_BUCKET',
  'DISTRIBUTION_ID',
  'API_URL',
  'SITE_URL',
] as const;
/** Buckets `destroy` empties before terraform removes them. */
export const BUCKET_OUTPUTS = ['UPLOADS_BUCKET', 'ARTIFACT_BUCKET', 'SITE_BUCKET'] as const;

export interface GitHubTarget {
  repo: string;
  branch: string;
  environment?: string;
}

export function describeOutputs(flat: Record<string, string>, github?: GitHubTarget): string {
  const block = (title: string, names: readonly string[]) => [title, ...names.map((n) => `  ${n}=${flat[n] ?? ''}`)].join('\n');
  const gh = [
    'GitHub repository variables (the only deploy settings stored in GitHub):',
    `  gh variable set AWS_REGION --body ${flat.AWS_REGION ?? ''}`,
    `  gh variable set AWS_DEPLOY_ROLE_ARN --body ${flat.DEPLOY_ROLE_ARN ?? ''}`,
    ...(flat.SSM_PREFIX && flat.SSM_PREFIX !== '/chat/prod' ? [`  gh variable set SSM_PREFIX --body ${flat.SSM_PREFIX}`] : []),
  ];
  if (github?.environment) {
    // The role trusts the environment, so the environment's branch rule is what keeps other branches out.
    const env = `repos/${github.repo}/environments/${github.environment}`;
    gh.push(
      '',
      `Limit the GitHub environment "${github.environment}" to ${github.branch} (the deploy role trusts that environment):`,
      `  gh api -X PUT ${env} -F 'deployment_branch_policy[protected_branches]=false' -F 'deployment_branch_policy[custom_branch_policies]=true'`,
      `  gh api -X POST ${env}/deployment-branch-policies -f name=${github.branch}`,
    );
  }
  return [
    block('Server settings (on the instance already):', SERVER_SETTINGS),
    block('Deploy targets (also in SSM Parameter Store):', PIPELINE_VALUES),
    gh.join('\n'),
  ].join('\n\n');
}
