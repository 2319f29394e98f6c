import * as fs from 'node:fs';
import * as path from 'node:path';
import { markdownTable } from '@chat/cli';
import { findCheckov, formatScan, scanStacks, type StackScan } from '../src/checkov/scan';
import { stacksFor } from '../src/names';
import { DEFAULTS, type InfraConfig } from '../src/config';
import { synthToDir } from './helpers';

const REPO = path.resolve(__dirname, '../..');
/** infra/README.md's figures: configuration → stack → "passed/failed/skipped". */
const README_FIGURES = (() => {
  const { header, rows } = markdownTable(fs.readFileSync(path.join(REPO, 'infra/README.md'), 'utf8'), '### checkov and its skips');
  // "—": the configuration has no such stack (the auth stack exists only with CHAT_AUTH=cognito).
  return new Map(
    rows.map((r) => [
      r[0]!,
      new Map(header.slice(1).flatMap((stack, i) => (r[i + 1] === '—' ? [] : [[stack.replace(/`/g, ''), r[i + 1]!] as const]))),
    ]),
  );
})();

/**
 * checkov (from the test set-up's virtual environment) on every stack's cdk.tf.json: no failed check except the
 * ones skipped on the resource in code with a reason, and no skip left that no longer matches a failure.
 * The configurations cover both shapes of the web stack (CloudFront, the default, and the website opt-out), the custom
 * name, every option of the data stack, and the scale-out layouts; infra/README.md states each one's figures, and a scan
 * that differs fails until the README says what it found.
 */
const CERT = 'arn:aws:acm:us-east-1:123456789012:certificate/0f6e1b3c-1a2b-4c5d-8e9f-0123456789ab';
const CONFIGURATIONS = {
  default: {},
  'all options': {
    pointInTimeRecovery: true,
    deletionProtection: true,
    dynamoBilling: 'on-demand',
    uploadExpiryDays: 90,
    certificateArn: CERT,
    domainName: 'chat.example.com',
  },
  // Sign-in needs https:// (the preflight refuses it without CloudFront): the plain-HTTP layouts deploy open.
  'without CloudFront (the opt-out)': { cloudfront: false, auth: 'open' },
  // Scale-out (CHAT_INSTANCES ≥ 2): ALB, Auto Scaling group, ElastiCache; behind CloudFront and plain.
  'two servers': { chatInstances: 2 },
  'two servers behind CloudFront with HTTPS to the load balancer': {
    chatInstances: 2,
    certificateArn: CERT,
    domainName: 'chat.example.com',
  },
  'two servers without CloudFront': { chatInstances: 2, cloudfront: false, auth: 'open' },
  'two servers without CloudFront, HTTPS on the load balancer': {
    chatInstances: 2,
    cloudfront: false,
    auth: 'open',
    certificateArn: CERT,
    domainName: 'chat.example.com',
  },
} as const;

describe.each(Object.entries(CONFIGURATIONS))('checkov, %s configuration', (_name, overrides: Partial<InfraConfig>) => {
  let scans: StackScan[];
  const stacks = stacksFor({ ...DEFAULTS, ...overrides });

  beforeAll(() => {
    const checkov = findCheckov();
    const { outdir } = synthToDir(overrides);
    try {
      scans = scanStacks(path.join(outdir, 'stacks'), checkov);
    } finally {
      fs.rmSync(outdir, { recursive: true, force: true });
    }
    // The counts for the record (README / closing note), with every skip's reason.
    console.log(`checkov (${_name}):\n${formatScan(scans)}`);
  });

  test('scans every stack', () => {
    expect(scans.map((s) => s.stack).sort()).toEqual(stacks.map((n) => `chat-${n}`).sort());
    for (const s of scans) expect(s.passed).toBeGreaterThan(0);
  });

  test("infra/README.md's figures are this scan's", () => {
    const scanned = new Map(scans.map((s) => [s.stack, `${s.passed}/${s.failed.length}/${s.skipped.length}`]));
    expect(README_FIGURES.get(_name)).toEqual(scanned);
  });

  test.each(stacks)('%s: zero failed checks; every skip has a reason and is still needed', (name) => {
    const scan = scans.find((s) => s.stack === `chat-${name}`)!;
    expect(scan.failed).toEqual([]);
    expect(scan.unusedSkips).toEqual([]);
    for (const k of scan.skipped) expect(k.reason.length).toBeGreaterThan(20);
  });
});
