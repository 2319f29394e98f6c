/**
 * `npm run destroy` (infra/scripts/destroy.mjs) with terraform replaced by a recording stand-in on PATH
 * (test/fixtures/terraform; terraform's AWS provider cannot be installed here): the preflight against moto, every
 * bucket the outputs name emptied for real, the stacks destroyed in reverse order, and the closing look at the
 * account. The stand-in deletes nothing, so the first run must report what is left; once those are gone (as
 * terraform would remove them) it reports nothing left. The secrets `deploy` generated are not terraform's: destroy
 * deletes them itself.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import {
  CreateBucketCommand,
  DeleteBucketCommand,
  ListObjectVersionsCommand,
  PutBucketVersioningCommand,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { CreateQueueCommand, DeleteQueueCommand, SQSClient } from '@aws-sdk/client-sqs';
import { CreateTableCommand, DeleteTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { GetParametersByPathCommand, PutParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { CognitoIdentityProviderClient, CreateUserPoolCommand, DeleteUserPoolCommand } from '@aws-sdk/client-cognito-identity-provider';
import { MOTO_CREDENTIALS, MOTO_REGION, startMoto, type Moto } from '@chat/local-aws';
import { bucketName, queueName, tableName, userPoolName } from '../src/names';
import { buildInfra, motoAwsEnv, runInfraScript, standinPath } from './deploy-helpers';

const ACCOUNT = '123456789012';
const BUCKETS = { UPLOADS_BUCKET: 'uploads', ARTIFACT_BUCKET: 'artifacts', SITE_BUCKET: 'site' } as const;
const bucket = (role: 'uploads' | 'artifacts' | 'site') => bucketName('chat', role, ACCOUNT, MOTO_REGION);

let moto: Moto;
let work: string;
let env: NodeJS.ProcessEnv;
let s3: S3Client;
let sqs: SQSClient;
let dynamodb: DynamoDBClient;
let ssm: SSMClient;
let queueUrl: string;
let cognito: CognitoIdentityProviderClient;
let poolId: string;

function destroy(): Promise<{ code: number; out: string }> {
  return runInfraScript('destroy.mjs', [], { env });
}

beforeAll(async () => {
  buildInfra();
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'chat-destroy-test-'));
  moto = await startMoto();
  const aws = { region: MOTO_REGION, endpoint: moto.endpoint, credentials: MOTO_CREDENTIALS };
  s3 = new S3Client({ ...aws, forcePathStyle: true });
  sqs = new SQSClient(aws);
  dynamodb = new DynamoDBClient(aws);
  ssm = new SSMClient(aws);
  cognito = new CognitoIdentityProviderClient(aws);
  // The auth stack's pool (moto's cognito-idp has no tags, so destroy's report knows it by name).
  poolId = (await cognito.send(new CreateUserPoolCommand({ PoolName: userPoolName('chat') }))).UserPool!.Id!;
  for (const role of Object.values(BUCKETS)) {
    await s3.send(new CreateBucketCommand({ Bucket: bucket(role) }));
    await s3.send(new PutBucketVersioningCommand({ Bucket: bucket(role), VersioningConfiguration: { Status: 'Enabled' } }));
    for (const key of ['a', 'b', 'a']) await s3.send(new PutObjectCommand({ Bucket: bucket(role), Key: `${role}/${key}`, Body: key }));
  }
  for (const name of ['admin-token', 'metrics-token', 'origin-secret', 'valkey-auth-token'])
    await ssm.send(new PutParameterCommand({ Name: `/chat/prod/secrets/${name}`, Type: 'SecureString', Value: 'v'.repeat(43) }));
  queueUrl = (await sqs.send(new CreateQueueCommand({ QueueName: queueName('chat'), Attributes: { FifoQueue: 'true' } }))).QueueUrl!;
  await dynamodb.send(
    new CreateTableCommand({
      TableName: tableName('chat'),
      KeySchema: [
        { AttributeName: 'room', KeyType: 'HASH' },
        { AttributeName: 'seq', KeyType: 'RANGE' },
      ],
      AttributeDefinitions: [
        { AttributeName: 'room', AttributeType: 'S' },
        { AttributeName: 'seq', AttributeType: 'S' },
      ],
      BillingMode: 'PAY_PER_REQUEST',
    }),
  );
  const outputs = path.join(work, 'outputs');
  fs.mkdirSync(outputs);
  const o = (values: Record<string, string>) =>
    JSON.stringify(Object.fromEntries(Object.entries(values).map(([k, value]) => [k, { value }])));
  fs.writeFileSync(path.join(outputs, 'chat-data.json'), o({ UPLOADS_BUCKET: bucket('uploads') }));
  fs.writeFileSync(path.join(outputs, 'chat-compute.json'), o({ ARTIFACT_BUCKET: bucket('artifacts') }));
  fs.writeFileSync(path.join(outputs, 'chat-web.json'), o({ SITE_BUCKET: bucket('site') }));
  env = {
    PATH: standinPath(),
    HOME: work,
    TF_STANDIN_LOG: path.join(work, 'terraform.log'),
    TF_STANDIN_OUTPUTS: outputs,
    ...motoAwsEnv(moto.endpoint),
  };
}, 300_000);

afterAll(async () => {
  for (const c of [s3, sqs, dynamodb, ssm, cognito]) c?.destroy();
  await moto?.stop();
  fs.rmSync(work, { recursive: true, force: true });
});

test('destroy (terraform stand-in): empties every bucket, destroys in reverse order, and lists what is left', async () => {
  const r = await destroy();
  for (const role of Object.values(BUCKETS)) {
    expect(r.out).toContain(`emptied ${bucket(role)} (3 objects and versions deleted)`);
    const left = await s3.send(new ListObjectVersionsCommand({ Bucket: bucket(role) }));
    expect([...(left.Versions ?? []), ...(left.DeleteMarkers ?? [])]).toEqual([]);
  }
  const destroyed = fs
    .readFileSync(env.TF_STANDIN_LOG!, 'utf8')
    .split('\n')
    .filter((l) => / destroy /.test(l))
    .map((l) => /stacks\/([\w-]+)/.exec(l)![1]);
  expect(destroyed).toEqual(['chat-budget', 'chat-ci', 'chat-auth', 'chat-web', 'chat-compute', 'chat-data']);
  // The stand-in removed nothing, so everything is still there and billing: said, and a failure.
  expect(r.out).toContain('Still there (and billing):');
  for (const role of Object.values(BUCKETS)) expect(r.out).toContain(`S3 bucket ${bucket(role)}`);
  expect(r.out).toContain(`DynamoDB table ${tableName('chat')}`);
  expect(r.out).toContain(`SQS queue ${queueUrl}`);
  expect(r.out).toContain(`Cognito user pool ${userPoolName('chat')} (${poolId})`);
  expect(r.code).toBe(1);
  // The secrets went with the stacks, whatever layout made them.
  for (const name of ['admin-token', 'metrics-token', 'origin-secret', 'valkey-auth-token'])
    expect(r.out).toContain(`deleted secret /chat/prod/secrets/${name}`);
  expect((await ssm.send(new GetParametersByPathCommand({ Path: '/chat/prod', Recursive: true }))).Parameters).toEqual([]);
  expect(r.out).not.toContain('SSM parameter');
}, 300_000);

test('destroy (terraform stand-in) once the resources are gone: nothing left', async () => {
  for (const role of Object.values(BUCKETS)) await s3.send(new DeleteBucketCommand({ Bucket: bucket(role) }));
  await sqs.send(new DeleteQueueCommand({ QueueUrl: queueUrl }));
  await dynamodb.send(new DeleteTableCommand({ TableName: tableName('chat') }));
  await cognito.send(new DeleteUserPoolCommand({ UserPoolId: poolId }));
  const r = await destroy();
  expect(r.out).toMatch(/Destroyed chat-budget, chat-ci, chat-auth, chat-web, chat-compute, chat-data: nothing left\./);
  expect(r.code).toBe(0);
}, 300_000);
