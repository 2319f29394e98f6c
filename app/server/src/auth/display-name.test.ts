import fc from 'fast-check';
import { AUTHOR_MAX, checkAuthor, codePoints } from '@chat/protocol';
import { TEST_USERS, claimsOf } from '@chat/local-aws';
import { cleanDisplayName, displayNameFromClaims } from './display-name';

describe('display names from claims', () => {
  test('name, else preferred_username, else cognito:username, else the e-mail local part', () => {
    expect(displayNameFromClaims({ sub: 's', name: 'Ana', preferred_username: 'ana1', email: 'a@x.io' })).toBe('Ana');
    expect(displayNameFromClaims({ sub: 's', preferred_username: 'ana1', 'cognito:username': 'ana2' })).toBe('ana1');
    expect(displayNameFromClaims({ sub: 's', 'cognito:username': 'ana2', email: 'a@x.io' })).toBe('ana2');
    expect(displayNameFromClaims({ sub: 's', username: 'ana3', email: 'a@x.io' })).toBe('ana3'); // Cognito access token
    expect(displayNameFromClaims({ sub: 's', email: 'first.last+tag@x.io' })).toBe('first.last+tag');
    expect(displayNameFromClaims({ sub: 's' })).toBeUndefined();
  });

  test("Cognito's username that is only the sub again (e-mail sign-in) is passed over", () => {
    const sub = '9c1e2f00-1111-2222-3333-444455556666';
    expect(displayNameFromClaims({ sub, 'cognito:username': sub, email: 'kim@x.io' })).toBe('kim');
    expect(displayNameFromClaims({ sub, username: sub })).toBeUndefined();
  });

  test('an unsafe or unusable claim gives way to the next one', () => {
    expect(displayNameFromClaims({ sub: 's', name: 'Evil\u202Egnp.exe', preferred_username: 'evil' })).toBe('evil');
    expect(displayNameFromClaims({ sub: 's', name: 'x'.repeat(AUTHOR_MAX + 1), preferred_username: 'long' })).toBe('long');
    expect(displayNameFromClaims({ sub: 's', name: 42, preferred_username: 'num' })).toBe('num');
    expect(displayNameFromClaims({ sub: 's', name: '   ', preferred_username: 'blank' })).toBe('blank');
  });

  test('the test users get the names their claims promise', () => {
    const names = Object.fromEntries(TEST_USERS.map((u) => [u.username, displayNameFromClaims(claimsOf(u))]));
    expect(names).toEqual({
      alice: 'Alice Admin',
      bob: 'Bob Moderator',
      carol: 'Carol',
      dave: 'dave',
      erin: 'erin.e',
      sam: 'Sam Lee',
      sam2: 'Sam Lee',
      mallory: 'mallory',
    });
  });
});

describe('cleanDisplayName', () => {
  test('trims, joins runs of white space (line breaks too), composes (NFC)', () => {
    expect(cleanDisplayName('  Ana \t  Lima ')).toBe('Ana Lima');
    expect(cleanDisplayName('Ana\nLima\u2028')).toBe('Ana Lima');
    expect(cleanDisplayName('Jose\u0301')).toBe('José');
  });

  test.each([
    ['right-to-left override', 'ab\u202Ecd'],
    ['left-to-right isolate', 'ab\u2066cd'],
    ['right-to-left mark', 'ab\u200Fcd'],
    ['zero-width space', 'ad\u200Bmin'],
    ['zero-width joiner between letters', 'ad\u200Dmin'],
    ['zero-width non-joiner', 'ad\u200Cmin'],
    ['word joiner', 'ad\u2060min'],
    ['byte order mark', 'ad\uFEFFmin'],
    ['soft hyphen', 'ad\u00ADmin'],
    ['control character', 'ad\u0007min'],
  ])('refuses a %s', (_what, name) => {
    expect(cleanDisplayName(name)).toBeUndefined();
  });

  test('keeps emoji built with zero-width joiners, and counts length in code points', () => {
    expect(cleanDisplayName('Dev 👩‍💻')).toBe('Dev 👩‍💻');
    expect(cleanDisplayName('😀'.repeat(AUTHOR_MAX))).toBe('😀'.repeat(AUTHOR_MAX));
    expect(cleanDisplayName('😀'.repeat(AUTHOR_MAX + 1))).toBeUndefined();
  });

  test('whatever it returns is a valid author name without invisible format characters', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 60 }), (input) => {
        const name = cleanDisplayName(input);
        if (name === undefined) return;
        expect(checkAuthor(name)).toEqual({ ok: true, value: name });
        expect(codePoints(name)).toBeLessThanOrEqual(AUTHOR_MAX);
        expect(/\p{Cf}/u.test(name.replace(/(\p{Extended_Pictographic}\uFE0F?)\u200D(?=\p{Extended_Pictographic})/gu, '$1'))).toBe(false);
      }),
    );
  });
});
