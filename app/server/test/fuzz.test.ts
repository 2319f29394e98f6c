import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { io, type Socket } from 'socket.io-client';
import { ERROR_CODES, type ChatMessage } from '@chat/protocol';
import type { RunningServer } from '../src';
import { TestBackend } from './support/backends';
import { ChatClient } from './support/chat-client';

/**
 * Hostile input, generated: arbitrary JSON at every socket event and HTTP route. Each answer must be a clear
 * refusal (an error with a protocol code) or a valid answer; the server never crashes (it keeps answering); and
 * nothing is broadcast except what was acked as sent. Runs are bounded (count and time) for a loaded machine.
 */

/** Socket events a client may emit (protocol v1 plus extensions), and one no handler knows. */
const EVENTS = ['sendMessage', 'join', 'leave', 'identify', 'typing', 'getPresence', 'deleteMessage', 'noSuchEvent'];
/** Every route the server answers, with methods a browser or a script might use. */
const ROUTES = [
  '/history',
  '/upload-url',
  '/images/rooms/global/x.png',
  '/uploads/rooms/global/x.png',
  '/config.json',
  '/healthz',
  '/readyz',
  '/metrics',
  '/messages/global/1',
  '/',
];
const METHODS = ['GET', 'POST', 'PUT', 'DELETE', 'PATCH'];
/** Events whose handler always acks (when the client asks for one). */
const ANSWERED = ['sendMessage', 'join', 'leave', 'identify', 'getPresence', 'typing', 'deleteMessage'];

const isRefusal = (v: unknown) => {
  const e = (v as { ok?: unknown; error?: { code?: unknown; message?: unknown } } | null)?.error;
  return (v as { ok?: unknown }).ok === false && typeof e?.message === 'string' && (ERROR_CODES as readonly unknown[]).includes(e.code);
};

describe('arbitrary input (property-based)', () => {
  const backend = new TestBackend('embedded');
  let server: RunningServer;
  let watcher: ChatClient;
  beforeAll(async () => {
    await backend.setup();
    const web = fs.mkdtempSync(path.join(os.tmpdir(), 'chat-web-'));
    fs.writeFileSync(path.join(web, 'index.html'), '<!doctype html><title>chat</title>');
    server = await backend.start(
      await backend.env({
        WEB_DIR: web,
        RATE_LIMIT_POINTS: '100000',
        HTTP_RATE_LIMIT_PER_MINUTE: '100000',
        UPLOAD_URLS_PER_HOUR: '100000',
        JOINS_PER_MINUTE: '100000',
      }),
    );
    watcher = await ChatClient.connect(server.url);
  });
  afterAll(async () => {
    watcher.close();
    await backend.teardown();
  });

  test('every socket event: an ack is a valid answer or a clear refusal; only acked messages are broadcast', async () => {
    const fuzzer: Socket = io(server.url, { transports: ['websocket'], reconnection: false, forceNew: true });
    await new Promise<void>((resolve, reject) => {
      fuzzer.once('connect', () => resolve());
      fuzzer.once('connect_error', reject);
    });
    const sentToGlobal: string[] = [];
    const unacked: unknown[] = [];
    try {
      await fc.assert(
        fc.asyncProperty(
          fc.constantFrom(...EVENTS),
          fc.array(fc.jsonValue({ maxDepth: 3 }), { maxLength: 3 }),
          fc.boolean(),
          async (event, args, withAck) => {
            if (!withAck) {
              // Valid without an ack is still valid: such a message may be broadcast, and nothing else.
              if (event === 'sendMessage') unacked.push(args[0]);
              fuzzer.emit(event, ...args);
              return;
            }
            let answer: unknown;
            const answers = ANSWERED.includes(event);
            try {
              // An event the server handles answers at once; another one (unknown here, or without an ack in the
              // protocol) may stay silent, so it is given a moment only.
              answer = await fuzzer.timeout(answers ? 5000 : 150).emitWithAck(event, ...args);
            } catch {
              expect(answers).toBe(false);
              return;
            }
            const ok = (answer as { ok?: unknown }).ok === true;
            expect(ok || isRefusal(answer)).toBe(true);
            if (ok && event === 'sendMessage') {
              const first = args[0];
              const room = typeof first === 'string' ? 'global' : ((first as { room?: string }).room ?? 'global');
              if (room === 'global') sentToGlobal.push((answer as { id: string }).id);
            }
          },
        ),
        { numRuns: 150, interruptAfterTimeLimit: 30_000, seed: Number(process.env['FUZZ_SEED'] ?? Date.now() % 2 ** 31) },
      );
      // Still the same connection: bad input is refused, not a reason to drop a well-formed frame.
      expect(fuzzer.connected).toBe(true);
    } finally {
      fuzzer.close();
    }
    // Whatever was acked as sent to global reached the watcher, and nothing else did.
    await watcher.waitFor((r) => r.length >= sentToGlobal.length);
    await new Promise((r) => setTimeout(r, 200));
    const explained = (m: ChatMessage) =>
      sentToGlobal.includes(m.id) ||
      unacked.some((u) => (typeof u === 'string' ? u.trim() === m.text?.trim() : (u as { id?: unknown } | null)?.id === m.id));
    expect(watcher.received.filter((m: ChatMessage) => !explained(m))).toEqual([]);
    const received = new Set(watcher.received.map((m: ChatMessage) => m.id));
    expect(sentToGlobal.filter((id) => !received.has(id))).toEqual([]);
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
  }, 90_000);

  test('an event sent with only an ack, or with extra arguments, still gets its answer', async () => {
    const c = await ChatClient.connect(server.url);
    try {
      const s = c.socket as unknown as Socket;
      expect(await s.timeout(5000).emitWithAck('join')).toMatchObject({ ok: false, error: { code: 'invalid' } });
      expect(await s.timeout(5000).emitWithAck('sendMessage')).toMatchObject({ ok: false, error: { code: 'invalid' } });
      expect(await s.timeout(5000).emitWithAck('leave', 'global', 'extra')).toEqual({ ok: true, room: 'global' });
    } finally {
      c.close();
    }
  });

  test('every HTTP route: arbitrary query, path and JSON body get a valid answer or a 4xx with a protocol error', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...ROUTES),
        fc.constantFrom(...METHODS),
        fc.dictionary(
          fc.constantFrom('room', 'limit', 'before', 'filename', 'contentType', 'size', 'max', 'expires', 'sig', 'x'),
          fc.string({ maxLength: 30 }),
          { maxKeys: 5 },
        ),
        fc.option(fc.jsonValue({ maxDepth: 3 }), { nil: undefined }),
        fc.option(fc.stringMatching(/^[A-Za-z0-9._%-]{1,20}$/), { nil: undefined }),
        async (route, method, query, body, segment) => {
          const url = new URL(segment ? `${route.replace(/[^/]+$/, '')}${segment}` : route, server.url);
          for (const [k, v] of Object.entries(query)) url.searchParams.set(k, v);
          const res = await fetch(url, {
            method,
            redirect: 'manual',
            ...(body !== undefined && method !== 'GET'
              ? { body: JSON.stringify(body), headers: { 'Content-Type': 'application/json' } }
              : {}),
          });
          const text = await res.text();
          expect([url.pathname, res.status]).toEqual([url.pathname, expect.any(Number)]);
          expect(res.status).toBeLessThan(500);
          if (res.status >= 400) {
            const parsed = JSON.parse(text) as { error?: { code?: unknown; message?: unknown } };
            expect(ERROR_CODES).toContain(parsed.error?.code);
            expect(typeof parsed.error?.message).toBe('string');
          }
        },
      ),
      { numRuns: 200, interruptAfterTimeLimit: 30_000 },
    );
    // Nothing of that reached the room.
    await new Promise((r) => setTimeout(r, 200));
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
  }, 90_000);
});
