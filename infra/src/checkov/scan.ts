/**
 * Runs checkov on synthesized stacks and applies the per-resource skips written by `skipCheck` (see skip.ts):
 * a failed check counts as skipped only if that resource names that check with a reason; any other failure, and
 * any skip that no longer matches a failure, is reported so the test can fail on it.
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { venvTool } from '@chat/local-aws';
import type { CheckovSkip } from './skip';

export interface Finding {
  checkId: string;
  checkName: string;
  resource: string;
}

export interface SkippedFinding extends Finding {
  reason: string;
}

export interface StackScan {
  stack: string;
  passed: number;
  failed: Finding[];
  skipped: SkippedFinding[];
  /** Skips in the code that matched no failure: stale, or the check was fixed. */
  unusedSkips: { resource: string; id: string }[];
}

/** checkov from the test set-up's virtual environment (CHAT_VENV, else <repo>/.venv). */
export const findCheckov = (env: Record<string, string | undefined> = process.env) => venvTool('checkov', env);

interface CheckovRecord {
  check_id: string;
  check_name: string;
  file_path: string;
  resource: string;
}

interface CheckovReport {
  check_type: string;
  results: { passed_checks: CheckovRecord[]; failed_checks: CheckovRecord[] };
}

type TfJson = { resource?: Record<string, Record<string, { '//'?: { checkov?: { skip?: CheckovSkip[] } } }>> };

/** Skips by resource address `type.name`. */
function readSkips(tf: TfJson): Map<string, CheckovSkip[]> {
  const out = new Map<string, CheckovSkip[]>();
  for (const [type, byName] of Object.entries(tf.resource ?? {})) {
    for (const [name, body] of Object.entries(byName)) {
      const skips = body['//']?.checkov?.skip;
      if (skips?.length) out.set(`${type}.${name}`, skips);
    }
  }
  return out;
}

/** checkov names a resource `type.name` in graph checks and `resource.name` in per-resource checks. */
function resolveAddress(tf: TfJson, reported: string): string {
  if (!reported.startsWith('resource.')) return reported;
  const name = reported.slice('resource.'.length);
  const matches = Object.entries(tf.resource ?? {})
    .filter(([, byName]) => name in byName)
    .map(([type]) => `${type}.${name}`);
  if (matches.length !== 1) throw new Error(`cannot tell which resource checkov means by ${reported} (${matches.join(', ') || 'none'})`);
  return matches[0]!;
}

/** Scans every `<stacksDir>/<stack>/cdk.tf.json` with one checkov run. */
export function scanStacks(stacksDir: string, checkov = findCheckov()): StackScan[] {
  let stdout: string;
  try {
    stdout = execFileSync(
      checkov,
      ['-d', stacksDir, '--framework', 'terraform_json', '--skip-download', '--output', 'json', '--soft-fail'],
      { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024, env: { ...process.env, BC_SKIP_MAPPING: 'TRUE', LOG_LEVEL: 'ERROR' } },
    );
  } catch (e) {
    throw new Error(`checkov failed to run: ${(e as Error).message}`, { cause: e });
  }
  const parsed = JSON.parse(stdout) as CheckovReport | CheckovReport[];
  const reports = (Array.isArray(parsed) ? parsed : [parsed]).filter((r) => r.check_type === 'terraform_json');
  const records = (kind: 'passed_checks' | 'failed_checks') => reports.flatMap((r) => r.results[kind]);

  return fs
    .readdirSync(stacksDir)
    .filter((d) => fs.existsSync(path.join(stacksDir, d, 'cdk.tf.json')))
    .sort()
    .map((stack) => {
      const file = `/${stack}/cdk.tf.json`;
      const tf = JSON.parse(fs.readFileSync(path.join(stacksDir, stack, 'cdk.tf.json'), 'utf8')) as TfJson;
      const skips = readSkips(tf);
      const used = new Set<string>();
      const failed: Finding[] = [];
      const skipped: SkippedFinding[] = [];
      for (const r of records('failed_checks').filter((x) => x.file_path === file)) {
        const resource = resolveAddress(tf, r.resource);
        const skip = skips.get(resource)?.find((s) => s.id === r.check_id);
        const finding = { checkId: r.check_id, checkName: r.check_name, resource };
        if (skip && skip.comment.trim()) {
          skipped.push({ ...finding, reason: skip.comment });
          used.add(`${resource} ${r.check_id}`);
        } else {
          failed.push(finding);
        }
      }
      const unusedSkips = [...skips].flatMap(([resource, list]) =>
        list.filter((s) => !used.has(`${resource} ${s.id}`)).map((s) => ({ resource, id: s.id })),
      );
      return { stack, passed: records('passed_checks').filter((x) => x.file_path === file).length, failed, skipped, unusedSkips };
    });
}

export function formatScan(scans: StackScan[]): string {
  const lines: string[] = [];
  for (const s of scans) {
    lines.push(`${s.stack}: passed ${s.passed}, failed ${s.failed.length}, skipped ${s.skipped.length}`);
    for (const f of s.failed) lines.push(`  FAILED  ${f.checkId} ${f.resource}: ${f.checkName}`);
    for (const k of s.skipped) lines.push(`  skipped ${k.checkId} ${k.resource}: ${k.reason}`);
    for (const u of s.unusedSkips) lines.push(`  UNUSED SKIP ${u.id} on ${u.resource}`);
  }
  return lines.join('\n');
}
