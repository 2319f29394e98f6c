'use strict';
// What the docs-drift tests read: a README's tables and a --help text, each down to the names they list.

const cells = (line) =>
  line
    .trim()
    .replace(/^\||\|$/g, '')
    .split(/(?<!\\)\|/)
    .map((c) => c.trim());

/** The first table after `anchor` (a heading or any text) in `markdown`: its header cells and body rows. */
function markdownTable(markdown, anchor) {
  const at = markdown.indexOf(anchor);
  if (at < 0) throw new Error(`"${anchor}" is not in the document`);
  const lines = markdown.slice(at).split('\n');
  const first = lines.findIndex((l) => l.trim().startsWith('|'));
  if (first < 0) throw new Error(`no table after "${anchor}"`);
  const rows = [];
  for (let i = first; i < lines.length && lines[i].trim().startsWith('|'); i++) rows.push(cells(lines[i]));
  return { header: rows[0] ?? [], rows: rows.slice(2) };
}

/** The names in a cell's code spans, first word of each: "`--floor` / `--no-floor`" → ["--floor", "--no-floor"]. */
function codeNames(cell) {
  return [...cell.matchAll(/`([^`]+)`/g)].map((m) => m[1].trim().split(/\s+/)[0]);
}

/** The section of a --help text under `title` ("Options:", "Settings (environment variables):"). */
function usageSection(usage, title) {
  const lines = usage.split('\n');
  const start = lines.findIndex((l) => l.startsWith(title));
  if (start < 0) return [];
  const body = [];
  for (const l of lines.slice(start + 1)) {
    if (l.trim() !== '' && !l.startsWith(' ')) break;
    body.push(l);
  }
  return body;
}

/** Option flags a --help text lists (`--help` itself left out); `--x / --no-x` gives both. */
function usageOptions(usage) {
  return usageSection(usage, 'Options:')
    .flatMap((l) => [...l.matchAll(/^\s{2}(--[a-z0-9-]+)(?:\s\/\s(--[a-z0-9-]+))?/g)].flatMap((m) => [m[1], m[2]]))
    .filter((f) => f && f !== '--help');
}

/** Environment variables a --help text lists under its settings. */
function usageSettings(usage) {
  return usageSection(usage, 'Settings').flatMap((l) => /^\s{2}([A-Z][A-Z0-9_]+)/.exec(l)?.[1] ?? []);
}

module.exports = { markdownTable, codeNames, usageOptions, usageSettings };
