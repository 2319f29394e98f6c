import { checkRoom } from '@chat/protocol';

/** What people type ("#Team Chat") into what the protocol allows ("team-chat"), or the reason it cannot be. */
export function normalizeRoom(raw: string): { ok: true; room: string } | { ok: false; error: string } {
  const room = raw.trim().replace(/^#/, '').toLowerCase().replace(/\s+/g, '-');
  if (!room) return { ok: false, error: 'Type a room name' };
  const parsed = checkRoom(room);
  if (!parsed.ok) return { ok: false, error: 'Room names use a–z, 0–9, - and _, up to 64 characters' };
  return { ok: true, room: parsed.value };
}
