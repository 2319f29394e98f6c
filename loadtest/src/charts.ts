/** Inline SVG charts, no library: lines over time and latency histograms on a log axis. */
import { Histogram } from './histogram';

export interface Series {
  name: string;
  color: string;
  dashed?: boolean;
  points: Array<[number, number]>;
}

const W = 1100;
const H = 320;
const M = { l: 64, r: 180, t: 34, b: 42 };

const esc = (s: string) => s.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!);
const fmt = (v: number) => (v >= 100 ? v.toFixed(0) : v >= 10 ? v.toFixed(1) : v >= 1 ? v.toFixed(2) : v.toPrecision(2));

/** Round-number ticks from 0 to the first one at or above max. */
export function ticks(max: number, count = 5): number[] {
  if (!(max > 0)) return [0];
  const raw = max / count;
  const mag = Math.pow(10, Math.floor(Math.log10(raw)));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * mag).find((s) => s >= raw) ?? raw;
  const out: number[] = [];
  for (let i = 0; ; i++) {
    const v = Number((i * step).toPrecision(12));
    out.push(v);
    if (v >= max) return out;
  }
}

function frame(title: string, xLabel: string, yLabel: string, body: string, legend: Series[]): string {
  const items = legend
    .map(
      (s, i) =>
        `<g transform="translate(${W - M.r + 16},${M.t + 8 + i * 20})"><line x1="0" y1="0" x2="22" y2="0" stroke="${s.color}" stroke-width="2.5"${s.dashed ? ' stroke-dasharray="6 4"' : ''}/><text x="28" y="4" font-size="12">${esc(s.name)}</text></g>`,
    )
    .join('');
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="system-ui, sans-serif">
<rect width="100%" height="100%" fill="#fff"/>
<text x="${M.l}" y="20" font-size="15" font-weight="600">${esc(title)}</text>
<text x="${(M.l + W - M.r) / 2}" y="${H - 6}" font-size="12" text-anchor="middle">${esc(xLabel)}</text>
<text transform="translate(14,${(M.t + H - M.b) / 2}) rotate(-90)" font-size="12" text-anchor="middle">${esc(yLabel)}</text>
${body}${items}</svg>`;
}

export function lineChart(title: string, xLabel: string, yLabel: string, series: Series[]): string {
  const all = series.flatMap((s) => s.points);
  const xMax = Math.max(1, ...all.map((p) => p[0]));
  const xMin = Math.min(0, ...all.map((p) => p[0]));
  const yTicks = ticks(Math.max(1e-3, ...all.map((p) => p[1])) * 1.05);
  const yMax = yTicks[yTicks.length - 1]!;
  const pw = W - M.l - M.r;
  const ph = H - M.t - M.b;
  const x = (v: number) => M.l + ((v - xMin) / (xMax - xMin || 1)) * pw;
  const y = (v: number) => M.t + ph - (v / yMax) * ph;
  const grid = yTicks
    .map(
      (t) =>
        `<line x1="${M.l}" x2="${M.l + pw}" y1="${y(t)}" y2="${y(t)}" stroke="#e5e5e5"/><text x="${M.l - 6}" y="${y(t) + 4}" font-size="11" text-anchor="end">${fmt(t)}</text>`,
    )
    .join('');
  const xt = ticks(xMax - xMin, 10)
    .map((t) => t + xMin)
    .filter((t) => t <= xMax)
    .map((t) => `<text x="${x(t)}" y="${M.t + ph + 16}" font-size="11" text-anchor="middle">${fmt(t)}</text>`)
    .join('');
  const lines = series
    .filter((s) => s.points.length > 0)
    .map((s) => {
      const d = s.points.map((p, i) => `${i ? 'L' : 'M'}${x(p[0]).toFixed(1)},${y(p[1]).toFixed(1)}`).join('');
      return `<path d="${d}" fill="none" stroke="${s.color}" stroke-width="2"${s.dashed ? ' stroke-dasharray="6 4"' : ''}/>`;
    })
    .join('');
  const axes = `<line x1="${M.l}" x2="${M.l}" y1="${M.t}" y2="${M.t + ph}" stroke="#333"/><line x1="${M.l}" x2="${M.l + pw}" y1="${M.t + ph}" y2="${M.t + ph}" stroke="#333"/>`;
  return frame(title, xLabel, yLabel, grid + xt + axes + lines, series);
}

/** Share of samples per log-spaced latency bin, so runs with different sample counts compare. */
export function histogramSeries(h: Histogram, lo: number, hi: number, bins = 48): Array<[number, number]> {
  if (h.count === 0) return [];
  const l0 = Math.log10(lo);
  const step = (Math.log10(hi) - l0) / bins;
  const counts = new Array<number>(bins).fill(0);
  for (const [a, b, n] of h.bins()) {
    const mid = Math.sqrt(Math.max(a, lo / 10) * b);
    const i = Math.min(bins - 1, Math.max(0, Math.floor((Math.log10(mid) - l0) / step)));
    counts[i]! += n;
  }
  return counts.map((n, i) => [Math.pow(10, l0 + (i + 0.5) * step), n / h.count]);
}

export function histogramChart(title: string, series: Array<{ name: string; color: string; hist: Histogram }>): string {
  const nonEmpty = series.filter((s) => s.hist.count > 0);
  const lo = Math.max(0.05, Math.min(...nonEmpty.map((s) => s.hist.min)) * 0.9);
  const hi = Math.max(lo * 10, Math.max(...nonEmpty.map((s) => s.hist.max)) * 1.1);
  const pw = W - M.l - M.r;
  const ph = H - M.t - M.b;
  const l0 = Math.log10(lo);
  const l1 = Math.log10(hi);
  const x = (v: number) => M.l + ((Math.log10(v) - l0) / (l1 - l0)) * pw;
  const data = nonEmpty.map((s) => ({ ...s, points: histogramSeries(s.hist, lo, hi) }));
  const yTicks = ticks(Math.max(0.01, ...data.flatMap((s) => s.points.map((p) => p[1]))) * 1.05);
  const yMax = yTicks[yTicks.length - 1]!;
  const y = (v: number) => M.t + ph - (v / yMax) * ph;
  const grid = yTicks
    .map(
      (t) =>
        `<line x1="${M.l}" x2="${M.l + pw}" y1="${y(t)}" y2="${y(t)}" stroke="#e5e5e5"/><text x="${M.l - 6}" y="${y(t) + 4}" font-size="11" text-anchor="end">${(t * 100).toFixed(0)}%</text>`,
    )
    .join('');
  const decades: number[] = [];
  for (let e = Math.floor(l0); e <= Math.ceil(l1); e++) for (const m of [1, 2, 5]) decades.push(m * Math.pow(10, e));
  const xt = decades
    .filter((v) => v >= lo && v <= hi)
    .map(
      (v) =>
        `<line x1="${x(v)}" x2="${x(v)}" y1="${M.t}" y2="${M.t + ph}" stroke="#f0f0f0"/><text x="${x(v)}" y="${M.t + ph + 16}" font-size="11" text-anchor="middle">${fmt(v)}</text>`,
    )
    .join('');
  const steps = data
    .map((s) => {
      const d = s.points.map((p, i) => `${i ? 'L' : 'M'}${x(p[0]).toFixed(1)},${y(p[1]).toFixed(1)}`).join('');
      return `<path d="${d}" fill="none" stroke="${s.color}" stroke-width="2"/>`;
    })
    .join('');
  const axes = `<line x1="${M.l}" x2="${M.l}" y1="${M.t}" y2="${M.t + ph}" stroke="#333"/><line x1="${M.l}" x2="${M.l + pw}" y1="${M.t + ph}" y2="${M.t + ph}" stroke="#333"/>`;
  return frame(title, 'latency, ms (log scale)', 'share of messages', grid + xt + axes + steps, data);
}
