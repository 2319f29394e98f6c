/** The shared command-line parser: positional arguments are counted against the spec, unless the last one repeats. */
import { formatUsage, parseCommand, UsageError } from '@chat/cli';

const spec = (repeatable: boolean) => ({
  command: 'npm run x --',
  summary: 'x',
  arguments: [{ name: 'NAME', description: 'a name', repeatable }],
  options: [{ flag: '--times' as const, value: 'N', description: 'how many' }],
});

test('a word beyond the declared arguments is a usage error', () => {
  expect(parseCommand(['a'], spec(false)).positionals).toEqual(['a']);
  expect(() => parseCommand(['a', 'b'], spec(false))).toThrow(UsageError);
  expect(() => parseCommand(['a', 'b'], spec(false))).toThrow('unexpected argument b');
});

test('a repeatable last argument takes every remaining word, options still parsed between them', () => {
  const r = parseCommand(['a', '--times', '3', 'b', 'c'], spec(true));
  expect(r.positionals).toEqual(['a', 'b', 'c']);
  expect(r.values).toEqual({ times: '3' });
});

test('the usage line shows a repeatable argument as such', () => {
  expect(formatUsage(spec(true))).toMatch(/^Usage: npm run x -- \[options\] \[NAME …\]$/m);
  expect(formatUsage(spec(false))).toMatch(/^Usage: npm run x -- \[options\] \[NAME\]$/m);
});
