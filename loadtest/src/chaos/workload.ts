/**
 * Who chats where and when: every client is a socket in two rooms (every room has a member), sending in turn at the
 * schedule's total rate, to one of its rooms drawn from the seed. Like a person, a client with a few messages not
 * yet sent does not type more until they go.
 */
import { Random } from './random';
import type { Schedule } from './schedule';

/** Messages a client may have unacked at once; a turn that finds this many is skipped. */
export const MAX_PENDING = 3;
const ROOMS_PER_CLIENT = 2;

export interface ClientPlan {
  name: string;
  rooms: string[];
  /** first send, ms after sending starts */
  offsetMs: number;
  periodMs: number;
  /** the room of each successive send */
  nextRoom: () => string;
}

export const roomName = (i: number) => `room-${i + 1}`;

export function planClients(s: Pick<Schedule, 'seed' | 'clients' | 'rooms' | 'rate'>): ClientPlan[] {
  const periodMs = (s.clients / s.rate) * 1000;
  return Array.from({ length: s.clients }, (_, i) => {
    const random = new Random(s.seed).fork(`client-${i}`);
    // Room i mod R first, so every room has a member when there are as many clients as rooms.
    const home = i % s.rooms;
    const others = random.shuffle(Array.from({ length: s.rooms }, (_, r) => r).filter((r) => r !== home));
    const rooms = [home, ...others.slice(0, ROOMS_PER_CLIENT - 1)].map(roomName);
    return { name: `c${i + 1}`, rooms, offsetMs: (i * periodMs) / s.clients, periodMs, nextRoom: () => random.pick(rooms) };
  });
}
