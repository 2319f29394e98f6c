import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { synthMain } from '../src/main';
import { STACK_ORDER } from '../src/names';
import { synthToDir } from './helpers';

describe('synth', () => {
  test('writes every stack and a manifest; state stays outside cdktf.out', () => {
    const { outdir } = synthToDir();
    try {
      const manifest = JSON.parse(fs.readFileSync(path.join(outdir, 'manifest.json'), 'utf8')) as { stacks: Record<string, unknown> };
      expect(Object.keys(manifest.stacks).sort()).toEqual(STACK_ORDER.map((n) => `chat-${n}`).sort());
      for (const n of STACK_ORDER) {
        const tf = JSON.parse(fs.readFileSync(path.join(outdir, 'stacks', `chat-${n}`, 'cdk.tf.json'), 'utf8'));
        expect(tf.terraform.backend.local.path).toBe(path.resolve(__dirname, '..', 'state', `chat-${n}.tfstate`));
        expect(tf.provider.aws[0].region).toBe('us-east-1');
      }
    } finally {
      fs.rmSync(outdir, { recursive: true, force: true });
    }
  });

  test('an S3 backend is one setting away, per stack key, with locking', () => {
    const { outdir } = synthToDir({ stateBucket: 'my-tf-state', stateRegion: 'eu-west-1' });
    try {
      const tf = JSON.parse(fs.readFileSync(path.join(outdir, 'stacks', 'chat-compute', 'cdk.tf.json'), 'utf8'));
      expect(tf.terraform.backend.s3).toEqual(
        expect.objectContaining({
          bucket: 'my-tf-state',
          key: 'chat/compute.tfstate',
          region: 'eu-west-1',
          encrypt: true,
          use_lockfile: true,
        }),
      );
      // Cross-stack lookups follow the producing stack's backend.
      expect(JSON.stringify(tf.data.terraform_remote_state)).toContain('chat/data.tfstate');
    } finally {
      fs.rmSync(outdir, { recursive: true, force: true });
    }
  });

  test('the app entry (what `npm run synth` runs) writes all stacks, or rejects a bad configuration with a clear message', () => {
    const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'chat-synth-'));
    const lines: string[] = [];
    try {
      expect(synthMain({ CDKTF_OUTDIR: outdir, CHAT_PREFIX: 'BAD PREFIX' }, (l) => lines.push(l))).toBe(2);
      expect(lines.join('\n')).toMatch(/Invalid infra configuration[\s\S]*prefix "BAD PREFIX"/);
      expect(fs.readdirSync(outdir)).toEqual([]);
      expect(synthMain({ CDKTF_OUTDIR: outdir }, (l) => lines.push(l))).toBe(0);
      expect(fs.readdirSync(path.join(outdir, 'stacks')).sort()).toEqual(STACK_ORDER.map((n) => `chat-${n}`).sort());
    } finally {
      fs.rmSync(outdir, { recursive: true, force: true });
    }
  });
});
