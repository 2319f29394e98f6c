import {
  ERROR_CODES,
  INVITE_TTL_DEFAULT_SECONDS,
  TOKEN_MAX,
  acceptInviteSchema,
  authenticateSchema,
  createInviteSchema,
  listRoomsSchema,
  removeMemberSchema,
  webConfigSchema,
  compareSeq,
  deleteMessageSchema,
  handshakeAuthSchema,
  identifySchema,
  typingInputSchema,
  formatSeq,
  historyQuerySchema,
  imageKeyRoom,
  parseWith,
  sendMessageSchema,
  uploadUrlQuerySchema,
} from './index';

describe('sendMessage schema', () => {
  const base = { id: 'a1', author: 'ann', text: 'hi' };

  test('room defaults to global', () => {
    expect(parseWith(sendMessageSchema, base)).toEqual({ ok: true, value: { ...base, room: 'global' } });
  });

  test('author is trimmed; lengths count characters, not UTF-16 units', () => {
    expect(parseWith(sendMessageSchema, { ...base, author: '  ann  ' })).toMatchObject({ value: { author: 'ann' } });
    expect(parseWith(sendMessageSchema, { ...base, author: '🙂'.repeat(40) }).ok).toBe(true);
    expect(parseWith(sendMessageSchema, { ...base, author: '🙂'.repeat(41) })).toMatchObject({ error: { code: 'too_large' } });
  });

  test.each([
    [{ ...base, id: '' }, 'invalid', /^id:/],
    [{ ...base, id: 'x'.repeat(65) }, 'too_large', /^id:/],
    [{ ...base, text: 'x'.repeat(2001) }, 'too_large', /^text:/],
    [{ ...base, room: 'UPPER' }, 'invalid', /^room:/],
    [{ id: 'a', author: 'ann' }, 'invalid', /exactly one/],
    [{ ...base, extra: 1 }, 'invalid', /extra|Unrecognized/i],
    [{ ...base, author: undefined }, 'invalid', /^author:/],
  ])('%j → %s', (input, code, message) => {
    const r = parseWith(sendMessageSchema, input);
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.error.code).toBe(code);
      expect(r.error.message).toMatch(message);
    }
  });
});

describe('HTTP query schemas', () => {
  test('history: defaults, limits and seq shape', () => {
    expect(parseWith(historyQuerySchema, {})).toEqual({ ok: true, value: { room: 'global', limit: 50 } });
    expect(parseWith(historyQuerySchema, { limit: '200', before: '0042' })).toMatchObject({ value: { limit: 200, before: '0042' } });
    expect(parseWith(historyQuerySchema, { limit: '201' }).ok).toBe(false);
    expect(parseWith(historyQuerySchema, { limit: ['1', '2'] }).ok).toBe(false);
  });

  test('upload-url: image types only, size a positive integer', () => {
    expect(parseWith(uploadUrlQuerySchema, { filename: 'a.webp', contentType: 'image/webp', size: '10' }).ok).toBe(true);
    expect(parseWith(uploadUrlQuerySchema, { filename: 'a.svg', contentType: 'image/svg+xml', size: '10' }).ok).toBe(false);
    expect(parseWith(uploadUrlQuerySchema, { filename: 'a.png', contentType: 'image/png', size: '-1' }).ok).toBe(false);
  });
});

describe('seq', () => {
  test('formatted seqs sort as strings in numeric order', () => {
    const seqs = [1, 9, 10, 99, 100, 12345678901234].map(formatSeq);
    expect([...seqs].sort()).toEqual(seqs);
  });

  test('compareSeq orders seqs of any width numerically', () => {
    expect(compareSeq('9', '10')).toBeLessThan(0);
    expect(compareSeq('00000000000000000010', '00000000000000000009')).toBeGreaterThan(0);
    expect(compareSeq('5', '5')).toBe(0);
  });

  test('imageKeyRoom reads the room out of an issued key only', () => {
    expect(imageKeyRoom('rooms/cats/01ARZ3NDEKTSV4RRFFQ69G5FAV.png')).toBe('cats');
    expect(imageKeyRoom('rooms/cats/../x.png')).toBeUndefined();
  });
});

describe('additions to v1: presence, typing, deletes', () => {
  const key = 'k'.repeat(22);

  test('sendMessage takes an optional deleteKey of 22-128 url-safe characters', () => {
    const base = { id: 'a1', author: 'ann', text: 'hi' };
    expect(parseWith(sendMessageSchema, { ...base, deleteKey: key }).ok).toBe(true);
    expect(parseWith(sendMessageSchema, { ...base, deleteKey: 'short' })).toMatchObject({ ok: false, error: { code: 'invalid' } });
    expect(parseWith(sendMessageSchema, { ...base, deleteKey: 'k'.repeat(129) })).toMatchObject({
      ok: false,
      error: { code: 'too_large' },
    });
  });

  test('handshake auth: both optional, unknown keys ignored, bad values refused', () => {
    expect(parseWith(handshakeAuthSchema, {})).toEqual({ ok: true, value: {} });
    expect(parseWith(handshakeAuthSchema, { clientId: 'tab_1', author: ' ann ', theme: 'dark' })).toEqual({
      ok: true,
      value: { clientId: 'tab_1', author: 'ann' },
    });
    expect(parseWith(handshakeAuthSchema, { clientId: 'a b' })).toMatchObject({ ok: false, error: { message: /^clientId:/ } });
  });

  test('identify, typing and deleteMessage payloads', () => {
    expect(parseWith(identifySchema, { clientId: 'c1', author: 'ann' }).ok).toBe(true);
    expect(parseWith(identifySchema, { clientId: 'c1' }).ok).toBe(false);
    expect(parseWith(typingInputSchema, { room: 'global', typing: true }).ok).toBe(true);
    expect(parseWith(typingInputSchema, { room: 'global', typing: 'yes' })).toMatchObject({ ok: false, error: { message: /^typing:/ } });
    expect(parseWith(deleteMessageSchema, { room: 'global', seq: '12', deleteKey: key }).ok).toBe(true);
    expect(parseWith(deleteMessageSchema, { room: 'global', seq: '-1', deleteKey: key }).ok).toBe(false);
    expect(ERROR_CODES).toEqual(expect.arrayContaining(['forbidden', 'unauthorized']));
  });
});

describe('additions for sign-in, private rooms and invites', () => {
  test('the handshake carries an optional token of at most TOKEN_MAX characters; authenticate requires one', () => {
    expect(parseWith(handshakeAuthSchema, { token: 'eyJ.a.b' })).toEqual({ ok: true, value: { token: 'eyJ.a.b' } });
    expect(parseWith(handshakeAuthSchema, { token: '' })).toMatchObject({ ok: false, error: { code: 'invalid', message: /^token:/ } });
    expect(parseWith(handshakeAuthSchema, { token: 'x'.repeat(TOKEN_MAX + 1) })).toMatchObject({ ok: false, error: { code: 'too_large' } });
    expect(parseWith(authenticateSchema, {})).toMatchObject({ ok: false, error: { message: /^token:/ } });
    expect(parseWith(authenticateSchema, { token: 'a.b.c', extra: 1 }).ok).toBe(false);
  });

  test('deleteMessage without a key: the identity decides, in signed-in mode', () => {
    expect(parseWith(deleteMessageSchema, { room: 'global', seq: '12' })).toEqual({ ok: true, value: { room: 'global', seq: '12' } });
  });

  test('createInvite: a week and reusable unless said otherwise; a minute to 30 days', () => {
    expect(parseWith(createInviteSchema, { room: 'team' })).toEqual({
      ok: true,
      value: { room: 'team', expiresInSeconds: INVITE_TTL_DEFAULT_SECONDS, singleUse: false },
    });
    expect(parseWith(createInviteSchema, { room: 'team', expiresInSeconds: 59 })).toMatchObject({
      ok: false,
      error: { message: /^expiresInSeconds: at least 60/ },
    });
    expect(parseWith(createInviteSchema, { room: 'team', expiresInSeconds: 1.5 }).ok).toBe(false);
    expect(parseWith(createInviteSchema, { room: 'team', singleUse: 'yes' })).toMatchObject({
      ok: false,
      error: { message: /^singleUse:/ },
    });
  });

  test('invite tokens are URL-safe as they are; user ids are client ids', () => {
    expect(parseWith(acceptInviteSchema, { token: 'aW52aXRl.c2lnbmF0dXJlLXRoaXM' }).ok).toBe(true);
    expect(parseWith(acceptInviteSchema, { token: 'short' })).toMatchObject({ ok: false, error: { message: /^token:/ } });
    expect(parseWith(acceptInviteSchema, { token: 'a/b'.repeat(10) }).ok).toBe(false);
    expect(parseWith(removeMemberSchema, { room: 'team', userId: 'u|x' }).ok).toBe(false);
    expect(parseWith(listRoomsSchema, {})).toEqual({ ok: true, value: { scope: 'mine' } });
  });

  test('config.json: auth is optional; signed-in needs an issuer and a client id', () => {
    const base = { maxUploadBytes: 1, imageTypes: [], protocolVersion: 1 };
    expect(parseWith(webConfigSchema, base).ok).toBe(true);
    expect(parseWith(webConfigSchema, { ...base, auth: { mode: 'signed-in', issuer: 'https://id.example', clientId: 'web' } }).ok).toBe(
      true,
    );
    expect(parseWith(webConfigSchema, { ...base, auth: { mode: 'signed-in', issuer: 'https://id.example' } })).toMatchObject({
      ok: false,
      error: { message: /signed-in needs issuer and clientId/ },
    });
  });
});
