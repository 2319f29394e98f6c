import path from 'node:path';

/** `1 m 05 s`, `42 s`. */
export function duration(ms) {
  const s = Math.round(ms / 1000);
  return s < 60 ? `${s} s` : `${Math.floor(s / 60)} m ${String(s % 60).padStart(2, '0')} s`;
}

/**
 * The `n` test files that took longest in a jest --json result, as printable lines: drift in CI time shows here
 * first. A file's time is its wall time, from jest's start and end of it.
 */
export function slowestFiles(results, root, n = 10) {
  return results.testResults
    .map((t) => ({ file: path.relative(root, t.name), ms: t.endTime - t.startTime }))
    .sort((a, b) => b.ms - a.ms)
    .slice(0, n)
    .map(({ file, ms }) => `${duration(ms).padStart(9)}  ${file}`);
}
