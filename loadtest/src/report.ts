/** The HTML report (summary tables + charts) and its PNG rendering by headless Chromium. */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { pathToFileURL } from 'node:url';
import { histogramChart, lineChart, type Series } from './charts';
import { Histogram } from './histogram';
import { metricRows, runRows, type RunResult } from './summary';

const COLORS: Record<string, string> = { floor: '#7a7a7a', embedded: '#1f6feb', moto: '#d9480f', target: '#2f9e44' };
const colorOf = (label: string) => COLORS[label] ?? '#6741d9';
const esc = (s: string) => s.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!);

function quantileOverTime(run: RunResult, metric: string, q: number): Array<[number, number]> {
  const secs = run.stats.perSecond.get(metric);
  if (!secs) return [];
  return [...secs.entries()]
    .filter(([s, h]) => s >= 0 && h.count > 0)
    .sort((a, b) => a[0] - b[0])
    .map(([s, h]) => [s, h.quantile(q)]);
}

function ratePerSecond(run: RunResult, metric: string): Array<[number, number]> {
  const secs = run.stats.perSecond.get(metric);
  if (!secs) return [];
  return [...secs.entries()]
    .filter(([s]) => s >= 0)
    .sort((a, b) => a[0] - b[0])
    .map(([s, h]) => [s, h.count]);
}

export interface ReportMeta {
  title: string;
  command: string;
  scenario: string;
  startedAt: Date;
  machine: string;
  settings: Record<string, string | number>;
  passed: boolean;
  failures: string[];
}

export function renderHtml(runs: RunResult[], meta: ReportMeta): string {
  const charts: string[] = [];
  for (const metric of ['chat.e2e_ms', 'chat.fanout_ms', 'chat.ack_ms']) {
    const series: Series[] = runs.flatMap((r) => [
      { name: `${r.label} p50`, color: colorOf(r.label), points: quantileOverTime(r, metric, 0.5) },
      { name: `${r.label} p99`, color: colorOf(r.label), dashed: true, points: quantileOverTime(r, metric, 0.99) },
    ]);
    if (series.every((s) => s.points.length === 0)) continue;
    charts.push(lineChart(`${metric} over time (per second of sending)`, 'seconds since sending started', 'ms', series));
    charts.push(
      histogramChart(
        `${metric} histogram`,
        runs.map((r) => ({ name: r.label, color: colorOf(r.label), hist: r.stats.histograms.get(metric) ?? new Histogram() })),
      ),
    );
  }
  charts.push(
    lineChart(
      'acknowledged messages per second',
      'seconds since sending started',
      'messages/s',
      runs.map((r) => ({ name: r.label, color: colorOf(r.label), points: ratePerSecond(r, 'chat.ack_ms') })),
    ),
  );

  const n = (v: number) => (Number.isFinite(v) ? v.toFixed(v < 10 ? 2 : 1) : '–');
  const r = (v: number | undefined) => (v === undefined ? '' : `${v.toFixed(2)}×`);
  const latencyRows = metricRows(runs)
    .map(
      (m) =>
        `<tr><td>${esc(m.run)}</td><td>${esc(m.metric)}</td><td>${m.count}</td><td>${n(m.p50)}</td><td>${n(m.p95)}</td><td>${n(m.p99)}</td><td>${n(m.max)}</td><td>${r(m.floorP50)}</td><td>${r(m.floorP99)}</td></tr>`,
    )
    .join('\n');
  const totalRows = runRows(runs)
    .map(
      (t) =>
        `<tr><td>${esc(t.run)}</td><td>${t.msgsPerS.toFixed(1)}</td><td>${t.deliveriesPerS.toFixed(0)}</td><td class="${t.lost ? 'bad' : ''}">${t.lost}</td><td class="${t.duplicated ? 'bad' : ''}">${t.duplicated}</td><td class="${t.outOfOrder ? 'bad' : ''}">${t.outOfOrder}</td><td class="${t.failed ? 'bad' : ''}">${t.failed}</td><td>${t.serverCpuPct === undefined ? '' : `${t.serverCpuPct.toFixed(0)}%`}</td></tr>`,
    )
    .join('\n');
  const settings = Object.entries(meta.settings)
    .map(([k, v]) => `<b>${esc(k)}</b> ${esc(String(v))}`)
    .join(' · ');
  const checks = runs
    .flatMap((run) => run.checks.map((c) => `<li class="${c.startsWith('fail') ? 'bad' : ''}">${esc(run.label)}: ${esc(c)}</li>`))
    .join('');

  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${esc(meta.title)}</title>
<style>
body { font-family: system-ui, sans-serif; margin: 24px; color: #222; width: 1120px; }
h1 { font-size: 22px; margin: 0 0 4px; } .meta { color: #555; font-size: 13px; margin-bottom: 12px; }
table { border-collapse: collapse; margin: 10px 0 18px; font-size: 13px; }
th, td { border: 1px solid #ddd; padding: 4px 10px; text-align: right; } th { background: #f6f6f6; }
td:first-child, td:nth-child(2) { text-align: left; }
.bad { color: #c92a2a; font-weight: 600; } .verdict { font-size: 16px; font-weight: 600; margin: 8px 0; }
.ok { color: #2b8a3e; } svg { display: block; margin: 8px 0; border: 1px solid #eee; }
ul { font-size: 13px; margin: 4px 0 12px; }
</style></head><body>
<h1>${esc(meta.title)}</h1>
<div class="meta">${esc(meta.startedAt.toISOString())} · ${esc(meta.machine)}<br><code>${esc(meta.command)}</code><br>${settings}</div>
<div class="verdict ${meta.passed ? 'ok' : 'bad'}">${meta.passed ? 'PASS' : 'FAIL'}${meta.failures.length ? `: ${esc(meta.failures.join('; '))}` : ''}</div>
<table><tr><th>run</th><th>metric</th><th>n</th><th>p50 ms</th><th>p95 ms</th><th>p99 ms</th><th>max ms</th><th>p50 ÷ floor</th><th>p99 ÷ floor</th></tr>
${latencyRows}</table>
<table><tr><th>run</th><th>msgs/s</th><th>deliveries/s</th><th>lost</th><th>duplicated</th><th>out-of-order</th><th>failed sends</th><th>server CPU</th></tr>
${totalRows}</table>
${checks ? `<ul>${checks}</ul>` : ''}
${charts.join('\n')}
</body></html>
`;
}

/** CHROMIUM_PATH, else the usual system locations, else playwright-core's bundled browser if one is installed. */
export function findChromium(): string | undefined {
  const candidates = [
    process.env.CHROMIUM_PATH,
    '/usr/bin/chromium',
    '/usr/bin/chromium-browser',
    '/usr/bin/google-chrome',
    '/usr/bin/google-chrome-stable',
  ];
  const found = candidates.find((p): p is string => !!p && existsSync(p));
  if (found) return found;
  try {
    const pw = require('playwright-core') as { chromium: { executablePath(): string } };
    const p = pw.chromium.executablePath();
    return p && existsSync(p) ? p : undefined;
  } catch {
    return undefined;
  }
}

export async function renderPng(htmlFile: string, pngFile: string, height: number, chromium = findChromium()): Promise<boolean> {
  if (!chromium) return false;
  const args = [
    '--headless',
    '--no-sandbox',
    '--disable-gpu',
    '--disable-dev-shm-usage',
    '--hide-scrollbars',
    `--screenshot=${pngFile}`,
    `--window-size=1170,${height}`,
    pathToFileURL(htmlFile).href,
  ];
  await new Promise<void>((resolve, reject) => {
    execFile(chromium, args, { timeout: 60_000 }, (err) => (err ? reject(err) : resolve()));
  });
  return existsSync(pngFile);
}

/** Rough page height: header, two tables and the charts, so the screenshot holds the whole page. */
export function pageHeight(runs: RunResult[], chartCount: number): number {
  return 260 + (runs.length * 3 + 2) * 26 + runs.length * 26 + chartCount * 340;
}

export async function writeReport(htmlFile: string, pngFile: string, runs: RunResult[], meta: ReportMeta): Promise<{ png: boolean }> {
  const html = renderHtml(runs, meta);
  await writeFile(htmlFile, html);
  const chartCount = (html.match(/<svg /g) ?? []).length;
  const png = await renderPng(htmlFile, pngFile, pageHeight(runs, chartCount));
  return { png };
}
