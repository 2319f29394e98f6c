import { AUTHOR_MAX, codePoints } from '@chat/protocol';
import { distinctNames } from './distinct-names';

const person = (id: string, name: string, tag: string) => ({ id, name, tag });

describe('distinct names', () => {
  test('a name only one person has is shown as it is', () => {
    expect(distinctNames([person('u1', 'Ana', 'a.io'), person('u2', 'Bo', 'a.io')])).toEqual(
      new Map([
        ['u1', 'Ana'],
        ['u2', 'Bo'],
      ]),
    );
  });

  test('people who share a name get their e-mail domains', () => {
    const labels = distinctNames([person('u1', 'Sam Lee', 'example.com'), person('u2', 'Sam Lee', 'example.org')]);
    expect([...labels.values()]).toEqual(['Sam Lee (example.com)', 'Sam Lee (example.org)']);
  });

  test('names that only differ in case or width collide too', () => {
    const labels = distinctNames([person('u1', 'sam lee', 'a.io'), person('u2', 'ＳＡＭ ＬＥＥ', 'b.io')]);
    expect(labels.get('u1')).toBe('sam lee (a.io)');
    expect(labels.get('u2')).toBe('ＳＡＭ ＬＥＥ (b.io)');
  });

  test('same name and same domain, or no verified e-mail: a suffix from the id', () => {
    const labels = distinctNames([
      person('uAAAA1111', 'Sam', 'a.io'),
      person('uBBBB2222', 'Sam', 'a.io'),
      person('uCCCC3333', 'Sam', '#3333'),
    ]);
    expect([...labels.values()]).toEqual(['Sam #1111', 'Sam #2222', 'Sam #3333']);
  });

  test('one person listed twice (two tabs) is one person', () => {
    expect(distinctNames([person('u1', 'Sam', 'a.io'), person('u1', 'Sam', 'a.io')]).get('u1')).toBe('Sam');
  });

  test('labels stay within the author length', () => {
    const long = 'L'.repeat(AUTHOR_MAX);
    const labels = distinctNames([person('u1', long, 'a-very-long-domain.example.com'), person('u2', long, 'b.io')]);
    for (const label of labels.values()) expect(codePoints(label)).toBeLessThanOrEqual(AUTHOR_MAX);
    expect(labels.get('u1')).toMatch(/…\s\(a-very-long-domain\.example\.com\)$/);
  });
});
