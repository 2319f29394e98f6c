/**
 * Where a V8 CPU profile (`--cpu-prof`) spent its time: self time per function and per package, and inclusive time
 * of the functions that matter, so a report says "socket.io 30 %, dynalite 25 %" without opening DevTools.
 */
import { readFileSync } from 'node:fs';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
export interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

export interface ProfileItem {
  name: string;
  ms: number;
  /** share of the sampled time that was not idle, % */
  pct: number;
}

export interface ProfileSummary {
  /** sampled time, ms, of which `idleMs` the process waited for work */
  totalMs: number;
  idleMs: number;
  gcMs: number;
  byPackage: ProfileItem[];
  bySelf: ProfileItem[];
  /** time spent in a function and everything it called (counted once per sample, recursion too) */
  byInclusive: ProfileItem[];
}

/** `node_modules/@aws-sdk/foo/...` → `@aws-sdk/foo`; the project's own workspaces by folder; node's own as `node:`. */
export function packageOf(url: string): string {
  if (!url) return '(native)';
  const nm = url.lastIndexOf('/node_modules/');
  if (nm >= 0) {
    const parts = url.slice(nm + '/node_modules/'.length).split('/');
    return parts[0]!.startsWith('@') ? `${parts[0]}/${parts[1]}` : parts[0]!;
  }
  if (url.startsWith('node:')) return 'node:internal';
  const app = /\/(app\/[a-z-]+|tools\/[a-z-]+|loadtest)\/dist\//.exec(url);
  if (app) return app[1]!;
  return url.startsWith('file://') || url.startsWith('/') ? '(project)' : url;
}

const SPECIAL = new Set(['(idle)', '(program)', '(garbage collector)', '(root)']);

export function summarizeProfile(p: CpuProfile, top = 15): ProfileSummary {
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of p.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const selfUs = new Map<number, number>();
  for (let i = 0; i < p.samples.length; i++) {
    const id = p.samples[i]!;
    selfUs.set(id, (selfUs.get(id) ?? 0) + (p.timeDeltas[i] ?? 0));
  }
  let totalUs = 0;
  let idleUs = 0;
  let gcUs = 0;
  const pkg = new Map<string, number>();
  const self = new Map<string, number>();
  const incl = new Map<string, number>();
  const label = (n: ProfileNode) => {
    const f = n.callFrame;
    const where = f.url ? `${shortUrl(f.url)}:${f.lineNumber + 1}` : '';
    return `${f.functionName || '(anonymous)'}${where ? ` ${where}` : ''}`;
  };
  for (const [id, us] of selfUs) {
    const n = byId.get(id)!;
    totalUs += us;
    const name = n.callFrame.functionName;
    if (name === '(idle)') {
      idleUs += us;
      continue;
    }
    if (name === '(garbage collector)') gcUs += us;
    const k = SPECIAL.has(name) ? name : packageOf(n.callFrame.url);
    pkg.set(k, (pkg.get(k) ?? 0) + us);
    self.set(label(n), (self.get(label(n)) ?? 0) + us);
    // Inclusive: every distinct frame on this sample's stack.
    const seen = new Set<string>();
    for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur)) {
      const node = byId.get(cur)!;
      if (SPECIAL.has(node.callFrame.functionName)) continue;
      const l = label(node);
      if (seen.has(l)) continue;
      seen.add(l);
      incl.set(l, (incl.get(l) ?? 0) + us);
    }
  }
  const busyUs = totalUs - idleUs;
  const items = (m: Map<string, number>) =>
    [...m]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([name, us]) => ({ name, ms: us / 1000, pct: busyUs > 0 ? (us / busyUs) * 100 : 0 }));
  return {
    totalMs: totalUs / 1000,
    idleMs: idleUs / 1000,
    gcMs: gcUs / 1000,
    byPackage: items(pkg),
    bySelf: items(self),
    byInclusive: items(incl),
  };
}

function shortUrl(url: string): string {
  const nm = url.lastIndexOf('/node_modules/');
  if (nm >= 0) return url.slice(nm + '/node_modules/'.length);
  const app = /\/((?:app|tools)\/[a-z-]+\/dist\/.*|loadtest\/dist\/.*)$/.exec(url);
  return app ? app[1]! : url.replace(/^file:\/\//, '');
}

export function formatProfileSummary(s: ProfileSummary): string {
  const busy = s.totalMs - s.idleMs;
  const table = (title: string, items: ProfileItem[]) =>
    [`${title}`, ...items.map((i) => `  ${i.pct.toFixed(1).padStart(5)} %  ${i.ms.toFixed(0).padStart(7)} ms  ${i.name}`)].join('\n');
  return [
    `busy ${busy.toFixed(0)} ms of ${s.totalMs.toFixed(0)} ms sampled (GC ${s.gcMs.toFixed(0)} ms); shares are of the busy time`,
    table('self time by package:', s.byPackage),
    table('self time by function:', s.bySelf),
    table('inclusive time by function:', s.byInclusive),
  ].join('\n\n');
}

export function summarizeProfileFile(file: string, top?: number): ProfileSummary {
  return summarizeProfile(JSON.parse(readFileSync(file, 'utf8')) as CpuProfile, top);
}

// `node dist/profile-summary.js <file.cpuprofile> [top]`
if (require.main === module) {
  const [file, top] = process.argv.slice(2);
  if (!file) {
    console.error('usage: node loadtest/dist/profile-summary.js <file.cpuprofile> [top]');
    process.exit(2);
  }
  console.log(formatProfileSummary(summarizeProfileFile(file, top ? Number(top) : 25)));
}
