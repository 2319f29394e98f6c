import { mentions } from './mentions';

describe('mentions', () => {
  it('finds @name in any case, also names with spaces, but not the start of a longer name', () => {
    expect(mentions('hi @Ann, lunch?', 'ann')).toBe(true);
    expect(mentions('@ann', 'Ann')).toBe(true);
    expect(mentions('ask @Bob Moderator first', 'Bob Moderator')).toBe(true);
    expect(mentions('@anna and @anné', 'ann')).toBe(false);
    expect(mentions('@anna then @ann.', 'ann')).toBe(true);
    expect(mentions('ann without the at', 'ann')).toBe(false);
    expect(mentions(undefined, 'ann')).toBe(false);
    expect(mentions('@ann', null)).toBe(false);
  });
});
