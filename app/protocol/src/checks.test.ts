import {
  AUTHOR_MAX,
  TEXT_MAX,
  authorSchema,
  chatMessageSchema,
  checkAuthor,
  checkRoom,
  checkText,
  parseWith,
  readChatMessage,
  readWebConfig,
  roomSchema,
  textSchema,
  webAuthConfigSchema,
  webConfigSchema,
} from './index';

// The hand-written checks the browser uses must answer as the server's zod schemas do: same value, same code,
// and for strings the same message (the web shows it).
const strings = [
  '',
  ' ',
  '\n\t',
  'ann',
  '  ann  ',
  'a b',
  'x'.repeat(64),
  'x'.repeat(65),
  '🙂'.repeat(AUTHOR_MAX),
  '🙂'.repeat(AUTHOR_MAX + 1),
  ' ' + 'a'.repeat(AUTHOR_MAX) + ' ',
  'a'.repeat(TEXT_MAX),
  'a'.repeat(TEXT_MAX + 1),
  '🙂'.repeat(TEXT_MAX),
  '🙂'.repeat(TEXT_MAX + 1),
  'line\nbreak',
  'tab\there',
  'bell\u0007',
  'c1\u0085',
  'del\u007f',
  'UPPER',
  'team-chat_2',
  'dots.no',
  '#global',
  'ünïcode',
  '<script>',
  'a'.repeat(70) + '!',
  // Names that do not render as typed: a right-to-left override, isolates, zero-width characters, a BOM inside.
  'ann\u202Egpj.exe',
  '\u2067bob\u2069',
  'bo\u200Bb',
  'bo\u200Db',
  'bo\u2060b',
  'a\uFEFFb',
  'soft\u00ADhyphen',
  // A zero-width joiner inside an emoji builds it, and stays.
  '👩\u200D💻 dev',
  '👨\u200D👩\u200D👧',
];
const nonStrings = [undefined, null, 1, true, {}, [], ['a']];

describe.each([
  ['author', checkAuthor, authorSchema],
  ['text', checkText, textSchema],
  ['room', checkRoom, roomSchema],
] as const)('%s: hand-written check agrees with the zod schema', (_name, check, schema) => {
  test.each(strings.map((s) => [JSON.stringify(s).slice(0, 40), s]))('%s', (_label, input) => {
    expect(check(input)).toEqual(parseWith(schema, input));
  });

  test.each(nonStrings.map((v) => [JSON.stringify(v) ?? 'undefined', v]))('non-string %s is invalid', (_label, input) => {
    const ours = check(input);
    const theirs = parseWith(schema, input);
    expect(ours.ok).toBe(false);
    expect(theirs.ok).toBe(false);
    if (!ours.ok && !theirs.ok) expect(ours.error.code).toBe(theirs.error.code);
  });
});

describe('readChatMessage agrees with chatMessageSchema', () => {
  const full = { id: 'a1', room: 'global', author: 'ann', text: 'hi', imageUrl: '/images/x', sentAt: '2026-01-01T00:00:00.000Z', seq: '1' };
  const cases: unknown[] = [
    full,
    { ...full, text: undefined },
    { ...full, imageUrl: undefined, extra: 'dropped' },
    { ...full, seq: 1 },
    { ...full, id: undefined },
    { ...full, text: null },
    { ...full, author: ['ann'] },
    { ...full, replyTo: '00000000000000000001', editedAt: '2026-01-01T00:01:00.000Z' },
    { ...full, reactions: { '👍': 2, '🎉': 1 }, myReactions: ['👍'] },
    { ...full, reactions: { '👍': 0 } },
    { ...full, reactions: { '👍': 1.5 } },
    { ...full, reactions: ['👍'] },
    { ...full, myReactions: '👍' },
    { ...full, myReactions: [1] },
    null,
    'a string',
    [full],
  ];

  test.each(cases.map((c, i) => [i, c]))('case %i', (_i, input) => {
    const parsed = chatMessageSchema.safeParse(input);
    expect(readChatMessage(input)).toEqual(parsed.success ? parsed.data : undefined);
  });

  test('keeps every field the schema knows (a field added to the protocol must be added to the reader)', () => {
    const special: Record<string, unknown> = { reactions: { '👍': 1 }, myReactions: ['👍'] };
    const every = Object.fromEntries(Object.keys(chatMessageSchema.shape).map((k) => [k, special[k] ?? `v-${k}`]));
    expect(readChatMessage(every)).toEqual(every);
  });
});

describe('readWebConfig agrees with webConfigSchema', () => {
  const good = { apiUrl: 'https://api.example.com', maxUploadBytes: 5, imageTypes: ['image/png'], protocolVersion: 1 };
  const signedIn = { mode: 'signed-in', issuer: 'https://id.example.com', clientId: 'chat-web', scopes: 'openid profile' };
  const cases: unknown[] = [
    good,
    { ...good, auth: signedIn },
    { ...good, auth: { mode: 'open' } },
    { ...good, auth: { ...signedIn, extra: 1 } },
    { ...good, auth: { ...signedIn, scopes: undefined } },
    { ...good, auth: { ...signedIn, issuer: undefined } },
    { ...good, auth: { ...signedIn, clientId: '' } },
    { ...good, auth: { ...signedIn, issuer: 5 } },
    { ...good, auth: { mode: 'closed' } },
    { ...good, auth: 'signed-in' },
    { ...good, auth: null },
    { ...good, apiUrl: undefined },
    { ...good, extra: true },
    { ...good, apiUrl: 3 },
    { ...good, maxUploadBytes: 0 },
    { ...good, maxUploadBytes: 1.5 },
    { ...good, maxUploadBytes: '5' },
    { ...good, imageTypes: 'image/png' },
    { ...good, imageTypes: [1] },
    { ...good, protocolVersion: 1.2 },
    { ...good, protocolVersion: undefined },
    { ...good, reactions: ['👍', '🎉'], push: { vapidPublicKey: 'BPk' } },
    { ...good, reactions: '👍' },
    { ...good, reactions: [1] },
    { ...good, push: {} },
    { ...good, push: 'BPk' },
    null,
    [],
  ];

  test.each(cases.map((c, i) => [i, c]))('case %i', (_i, input) => {
    const ours = readWebConfig(input);
    const theirs = parseWith(webConfigSchema, input);
    expect(ours.ok).toBe(theirs.ok);
    if (ours.ok && theirs.ok) expect(ours.value).toEqual(theirs.value);
  });

  test('keeps every field the schema knows', () => {
    const parsed = readWebConfig({ ...good, auth: signedIn, reactions: ['👍'], push: { vapidPublicKey: 'BPk' } });
    expect(parsed.ok && Object.keys(parsed.value).sort()).toEqual(Object.keys(webConfigSchema.shape).sort());
    expect(parsed.ok && Object.keys(parsed.value.auth!).sort()).toEqual(Object.keys(webAuthConfigSchema.shape).sort());
  });
});
