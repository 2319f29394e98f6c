/**
 * README.md's Configuration table and the server's settings (app/server/src/config.ts) name the same settings with
 * the same defaults: a setting added, renamed or given another default without its row fails here.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { codeNames, markdownTable } from '@chat/cli';
import { envSchema } from '../../app/server/src/config';

const ROOT = path.resolve(__dirname, '../..');
const { rows } = markdownTable(readFileSync(path.join(ROOT, 'README.md'), 'utf8'), '## Configuration');
/** setting → its default cell; a row may name several settings with their defaults in the same order ("`30` / `10`"). */
const documented = new Map(
  rows.flatMap(([names = '', defaults = '']) => {
    const settings = codeNames(names);
    const parts = settings.length > 1 ? defaults.split(' / ') : [defaults];
    return settings.map((s, i) => [s, parts[i]?.trim() ?? ''] as const);
  }),
);
const defaults = envSchema.parse({}) as Record<string, unknown>;

test('the table lists every setting config.ts reads, and no other', () => {
  expect([...documented.keys()].sort()).toEqual(Object.keys(envSchema.shape).sort());
});

test.each(Object.keys(envSchema.shape))('%s: the documented default is the one config.ts applies', (name) => {
  const cell = documented.get(name) ?? '';
  const value = defaults[name];
  if (value === undefined || (Array.isArray(value) && value.length === 0)) {
    // No default: the table says so with a dash or "none".
    expect(cell).toMatch(/^(—|none)/);
  } else {
    // Paths default inside the repository and are written relative to it.
    const shown = typeof value === 'string' && path.isAbsolute(value) ? path.relative(ROOT, value) : String(value);
    expect(cell).toMatch(/^`/);
    expect(codeNames(cell)[0]).toBe(shown);
  }
});
