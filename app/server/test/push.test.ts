import path from 'node:path';
import webpush from 'web-push';
import type { OkAck, PushPayload } from '@chat/protocol';
import type { RunningServer } from '../src';
import { SqlitePush } from '../src/adapters/embedded/sqlite-push';
import { mentions } from '../src/chat/push-notifier';
import { TestBackend } from './support/backends';
import { ChatClient } from './support/chat-client';
import { eventually } from './support/eventually';
import { LoopbackPushService, PushBrowser, type PushRequest } from './support/push-service';

/**
 * Web Push from one embedded server to a push service on loopback that decrypts what it gets as a browser would: the
 * pushes a closed tab should get (a mention, an "all messages" room), none for a room the person has open, and a
 * subscription the service answers 410 removed.
 */
describe('Web Push', () => {
  const backend = new TestBackend('embedded');
  const service = new LoopbackPushService();
  const vapid = webpush.generateVAPIDKeys();
  let server: RunningServer;
  let stored: SqlitePush;
  const clients: ChatClient[] = [];
  beforeAll(async () => {
    await backend.setup();
    await service.start();
    const env = await backend.env({
      VAPID_PUBLIC_KEY: vapid.publicKey,
      VAPID_PRIVATE_KEY: vapid.privateKey,
      VAPID_SUBJECT: 'mailto:ops@example.com',
      PUSH_ALLOW_HTTP: 'true',
    });
    server = await backend.start(env);
    stored = new SqlitePush(path.join(env['DATA_DIR']!, 'history.sqlite'));
  });
  afterAll(async () => {
    for (const c of clients) c.close();
    await stored.close();
    await server.close();
    await service.stop();
    await backend.teardown();
  });
  const person = async (clientId: string, author: string, rooms: string[] = []) => {
    const c = await ChatClient.connect(server.url, { auth: { clientId, author } });
    clients.push(c);
    for (const r of rooms) await c.join(r);
    return c;
  };
  const emit = <A>(c: ChatClient, event: string, payload: unknown) =>
    (c.socket as unknown as { timeout(ms: number): { emitWithAck(e: string, p: unknown): Promise<A> } })
      .timeout(15_000)
      .emitWithAck(event, payload);
  const pushesTo = (p: string) => service.requests.filter((r) => r.path === p);
  const payloadOf = (browser: PushBrowser, r: PushRequest) => JSON.parse(browser.decrypt(r.body)) as PushPayload;

  test('config.json gives the VAPID public key', async () => {
    expect(await (await fetch(`${server.url}/config.json`)).json()).toMatchObject({ push: { vapidPublicKey: vapid.publicKey } });
  });

  test('a closed tab gets its mentions and its "all" rooms, encrypted and signed; nothing for a room it has open', async () => {
    const bo = new PushBrowser();
    const tab = await person('bo-1', 'Bo');
    const endpoint = `${service.url}/bo`;
    expect(
      await emit<OkAck>(tab, 'subscribePush', { subscription: { endpoint, keys: bo.keys() }, rooms: { team: 'mentions', news: 'all' } }),
    ).toEqual({ ok: true });
    tab.close(); // the tab is closed: only pushes reach Bo now
    const ann = await person('ann-1', 'Ann', ['team', 'news']);

    const quiet = await ann.send({ id: 'q1', room: 'team', author: 'Ann', text: 'no one in particular' });
    const mention = await ann.send({ id: 'q2', room: 'team', author: 'Ann', text: 'hey @bo, look' });
    expect(quiet.ok && mention.ok).toBe(true);
    await eventually(() => pushesTo('/bo').length >= 1, 15_000, 'the mention pushed to Bo');
    const first = pushesTo('/bo')[0]!;
    expect(first.headers['content-encoding']).toBe('aes128gcm');
    expect(first.headers['authorization']).toMatch(new RegExp(`^vapid t=[\\w-]+\\.[\\w-]+\\.[\\w-]+, k=${vapid.publicKey}$`));
    expect(payloadOf(bo, first)).toEqual({
      room: 'team',
      seq: mention.ok ? mention.seq : '',
      id: 'q2',
      author: 'Ann',
      text: 'hey @bo, look',
      reason: 'mention',
    });

    const news = await ann.send({ id: 'n1', room: 'news', author: 'Ann', text: 'all hands at 3' });
    await eventually(() => pushesTo('/bo').some((r) => payloadOf(bo, r).id === 'n1'), 15_000, 'the "all" room pushed to Bo');
    expect(
      payloadOf(
        bo,
        pushesTo('/bo').find((r) => payloadOf(bo, r).id === 'n1')!,
      ),
    ).toMatchObject({ reason: 'all', seq: news.ok ? news.seq : '' });

    // Bo opens the news room again: its messages reach his socket, not his push service.
    const again = await person('bo-1', 'Bo', ['news']);
    await ann.send({ id: 'n2', room: 'news', author: 'Ann', text: 'seen live' });
    await again.waitFor((r) => r.some((m) => m.id === 'n2'));
    await ann.send({ id: 'q3', room: 'team', author: 'Ann', text: '@Bo in team' });
    await eventually(() => pushesTo('/bo').some((r) => payloadOf(bo, r).id === 'q3'), 15_000, 'the team mention pushed to Bo');
    const ids = pushesTo('/bo').map((r) => payloadOf(bo, r).id);
    expect(ids).not.toContain('q1');
    expect(ids).not.toContain('n2');

    expect(await emit<OkAck>(again, 'unsubscribePush', { endpoint })).toEqual({ ok: true });
    expect(await stored.forRoom('team')).toEqual([]);
  });

  test('a subscription the push service answers 410 is removed', async () => {
    const cy = new PushBrowser();
    const tab = await person('cy-1', 'Cy');
    service.gone.add('/cy');
    await emit<OkAck>(tab, 'subscribePush', { subscription: { endpoint: `${service.url}/cy`, keys: cy.keys() }, rooms: { gone: 'all' } });
    tab.close();
    expect((await stored.forRoom('gone')).map((s) => s.person)).toEqual(['cy-1']);
    const ann = await person('ann-2', 'Ann', ['gone']);
    await ann.send({ id: 'g1', room: 'gone', author: 'Ann', text: 'anyone?' });
    await eventually(async () => (await stored.forRoom('gone')).length === 0, 15_000, 'the gone subscription removed');
    expect(pushesTo('/cy')).toHaveLength(1);
  });

  test('refused: without an identity, or a level that is neither mentions nor all', async () => {
    const anonymous = await ChatClient.connect(server.url);
    clients.push(anonymous);
    const subscription = { endpoint: `${service.url}/x`, keys: new PushBrowser().keys() };
    expect(await emit<OkAck>(anonymous, 'subscribePush', { subscription, rooms: { team: 'all' } })).toMatchObject({
      ok: false,
      error: { code: 'invalid' },
    });
    expect(await emit<OkAck>(anonymous, 'subscribePush', { subscription, rooms: { team: 'sometimes' } })).toMatchObject({
      ok: false,
      error: { code: 'invalid' },
    });
  });

  test('mentions: @name as a word, in any case', () => {
    expect(mentions('hi @Bo!', 'bo')).toBe(true);
    expect(mentions('@bo', 'Bo')).toBe(true);
    expect(mentions('hi @bobby', 'Bo')).toBe(false);
    expect(mentions('mail bo@x', 'bo')).toBe(false);
    expect(mentions('@Ann Lee, hi', 'Ann Lee')).toBe(true);
  });
});
