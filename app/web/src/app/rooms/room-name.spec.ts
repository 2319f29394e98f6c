import { normalizeRoom } from './room-name';

describe('normalizeRoom', () => {
  it('turns what people type into a room name', () => {
    expect(normalizeRoom(' #Team Chat ')).toEqual({ ok: true, room: 'team-chat' });
    expect(normalizeRoom('dev_ops-2')).toEqual({ ok: true, room: 'dev_ops-2' });
  });

  it('refuses what the protocol refuses', () => {
    expect(normalizeRoom('').ok).toBe(false);
    expect(normalizeRoom('café').ok).toBe(false);
    expect(normalizeRoom('a'.repeat(65)).ok).toBe(false);
  });
});
