import { formatSeq } from '@chat/protocol';
import type { MessageDeletes, MessageEdits, MessageReactions, MessageStore, SequencedMessage } from '../../src/ports';
import { ADAPTERS, AdapterBackend } from './adapters';

const m = (n: number, extra: Partial<SequencedMessage> = {}): SequencedMessage => ({
  id: `m${n}`,
  room: 'r',
  author: 'ann',
  text: `text ${n}`,
  seq: formatSeq(n),
  sentAt: new Date(Date.UTC(2026, 0, 1, 0, 0, n)).toISOString(),
  ...extra,
});
const at = (iso: string) => new Date(iso);

/** The MessageEdits and MessageReactions ports, over each store's own history: SQLite (embedded) and DynamoDB (moto). */
describe.each(ADAPTERS)('MessageEdits and MessageReactions contract: %s', (kind) => {
  const backend = new AdapterBackend(kind);
  let store: MessageStore;
  let deletes: MessageDeletes;
  let edits: MessageEdits;
  let reactions: MessageReactions;
  let open: { edits(): MessageEdits; reactions(): MessageReactions };
  beforeAll(() => backend.setup(), 60_000);
  afterAll(() => backend.teardown());
  beforeEach(async () => {
    const opened = await backend.store();
    ({ store } = opened);
    deletes = opened.deletes();
    edits = opened.edits();
    reactions = opened.reactions();
    open = opened;
  });

  test('a reply keeps its replyTo through append, page and find', async () => {
    const reply = m(2, { replyTo: formatSeq(1) });
    await store.append('r', [m(1), reply]);
    expect((await store.page('r', 10)).messages).toEqual([reply, m(1)]);
    expect(await deletes.find('r', reply.seq)).toEqual(reply);
  });

  test('edit replaces the text and sets editedAt; history and find show the latest; the rest is kept', async () => {
    const row = m(1, { deleteHash: 'ab'.repeat(32), replyTo: formatSeq(1) });
    await store.append('r', [row]);
    const out = await edits.edit('r', row.seq, 'fixed', at('2026-02-01T00:00:00.000Z'));
    expect(out).toEqual({ ok: true, changed: true, row: { ...row, text: 'fixed', editedAt: '2026-02-01T00:00:00.000Z' } });
    expect((await store.page('r', 10)).messages).toEqual([{ ...row, text: 'fixed', editedAt: '2026-02-01T00:00:00.000Z' }]);
    expect(await deletes.find('r', row.seq)).toEqual({ ...row, text: 'fixed', editedAt: '2026-02-01T00:00:00.000Z' });
    expect(await store.head('r')).toBe(1n);
  });

  test('each edit gets a later editedAt than the one before, even with a clock behind it; the same text is no change', async () => {
    await store.append('r', [m(1)]);
    await edits.edit('r', m(1).seq, 'one', at('2026-02-01T00:00:10.000Z'));
    const behind = await edits.edit('r', m(1).seq, 'two', at('2026-02-01T00:00:05.000Z'));
    expect(behind.ok && behind.row.editedAt).toBe('2026-02-01T00:00:10.001Z');
    const same = await edits.edit('r', m(1).seq, 'two', at('2026-02-01T00:01:00.000Z'));
    expect(same).toEqual({ ok: true, changed: false, row: { ...m(1), text: 'two', editedAt: '2026-02-01T00:00:10.001Z' } });
  });

  test('refused: a missing row, a deleted one, an image message; nothing changes', async () => {
    const image = { ...m(2, { imageKey: 'rooms/r/01ARZ3NDEKTSV4RRFFQ69G5FAV.png' }), text: undefined };
    await store.append('r', [m(1), image]);
    await deletes.markDeleted('r', m(1).seq, '2026-02-01T00:00:00.000Z');
    expect(await edits.edit('r', formatSeq(9), 'x', new Date())).toEqual({ ok: false, reason: 'not_found' });
    expect(await edits.edit('r', m(1).seq, 'x', new Date())).toMatchObject({ ok: false, reason: 'deleted' });
    expect(await edits.edit('r', image.seq, 'x', new Date())).toMatchObject({ ok: false, reason: 'not_text' });
    expect((await store.page('r', 10)).messages).toEqual(
      [image, { ...m(1, { text: undefined }), deletedAt: '2026-02-01T00:00:00.000Z' }].map(strip),
    );
  });

  test('concurrent edits from several connections: every one applies, each editedAt distinct, the last in order is stored', async () => {
    await store.append('r', [m(1)]);
    const writers = [edits, open.edits(), open.edits()];
    const when = at('2026-03-01T00:00:00.000Z');
    const results = await Promise.all(writers.flatMap((w, i) => [0, 1].map((j) => w.edit('r', m(1).seq, `edit ${i}-${j}`, when))));
    const applied = results.map((r) => (r.ok ? r.row : undefined));
    expect(applied.every((r) => r !== undefined)).toBe(true);
    const times = applied.map((r) => r!.editedAt!);
    expect(new Set(times).size).toBe(times.length);
    const last = applied.reduce((a, b) => (a!.editedAt! > b!.editedAt! ? a : b))!;
    expect(await deletes.find('r', m(1).seq)).toEqual({ ...m(1), text: last.text, editedAt: last.editedAt });
  });

  test('reactions: one per person, emoji and message; repeats change nothing; off removes only one person', async () => {
    await store.append('r', [m(1), m(2)]);
    const s1 = m(1).seq;
    expect(await reactions.set('r', s1, 'ann', '👍', true)).toEqual({ changed: true, counts: { '👍': 1 }, version: 1, mine: ['👍'] });
    expect(await reactions.set('r', s1, 'ann', '👍', true)).toEqual({ changed: false, counts: { '👍': 1 }, version: 1, mine: ['👍'] });
    await reactions.set('r', s1, 'bob', '👍', true);
    await reactions.set('r', s1, 'bob', '🎉', true);
    expect(await reactions.set('r', s1, 'ann', '🎉', false)).toEqual({
      changed: false,
      counts: { '👍': 2, '🎉': 1 },
      version: 3,
      mine: ['👍'],
    });
    expect(await reactions.set('r', s1, 'bob', '🎉', false)).toEqual({ changed: true, counts: { '👍': 2 }, version: 4, mine: ['👍'] });
    const all = await reactions.summaries('r', [s1, m(2).seq], 'ann');
    expect(all).toEqual(new Map([[s1, { counts: { '👍': 2 }, version: 4, mine: ['👍'] }]]));
    expect((await reactions.summaries('r', [s1])).get(s1)).toEqual({ counts: { '👍': 2 }, version: 4, mine: [] });
    expect(await reactions.summaries('other', [s1], 'ann')).toEqual(new Map());
    // Reactions are not messages: the room's order and pages are untouched.
    expect(await store.head('r')).toBe(2n);
    expect((await store.page('r', 10)).messages).toEqual([m(2), m(1)]);
  });

  test('summaries of a page pick out its seqs, and `mine` is per person', async () => {
    await store.append('r', [m(1), m(2), m(3)]);
    await reactions.set('r', m(1).seq, 'ann', '😂', true);
    await reactions.set('r', m(2).seq, 'bob', '😂', true);
    await reactions.set('r', m(3).seq, 'ann', '❤️', true);
    const page = await reactions.summaries('r', [m(1).seq, m(3).seq], 'bob');
    expect(page).toEqual(
      new Map([
        [m(1).seq, { counts: { '😂': 1 }, version: 1, mine: [] }],
        [m(3).seq, { counts: { '❤️': 1 }, version: 1, mine: [] }],
      ]),
    );
    expect((await reactions.summaries('r', [m(2).seq], 'bob')).get(m(2).seq)).toEqual({ counts: { '😂': 1 }, version: 1, mine: ['😂'] });
  });

  test('all reactions turned off: no counts, and the version stays for ordering', async () => {
    await store.append('r', [m(1)]);
    await reactions.set('r', m(1).seq, 'ann', '😮', true);
    expect(await reactions.set('r', m(1).seq, 'ann', '😮', false)).toEqual({ changed: true, counts: {}, version: 2, mine: [] });
    expect((await reactions.summaries('r', [m(1).seq], 'ann')).get(m(1).seq)).toEqual({ counts: {}, version: 2, mine: [] });
  });

  test('concurrent toggles and retries from several connections count each person once', async () => {
    await store.append('r', [m(1)]);
    const s1 = m(1).seq;
    const writers = [reactions, open.reactions(), open.reactions()];
    const people = ['ann', 'bob', 'cy', 'dee'];
    // Every person turns 👍 on three times at once through different connections; ann and bob also 🎉 on then off.
    await Promise.all(people.flatMap((p) => writers.map((w) => w.set('r', s1, p, '👍', true))));
    await Promise.all(['ann', 'bob'].flatMap((p) => writers.map((w) => w.set('r', s1, p, '🎉', true))));
    await Promise.all(['ann', 'bob'].flatMap((p) => writers.map((w) => w.set('r', s1, p, '🎉', false))));
    // Every change, and only a change, is numbered: 4 on, 2 on, 2 off.
    expect((await reactions.summaries('r', [s1])).get(s1)).toEqual({ counts: { '👍': 4 }, version: 8, mine: [] });
  });
});

/** A message as the port returns it: no key holding undefined. */
function strip(x: SequencedMessage): SequencedMessage {
  return Object.fromEntries(Object.entries(x).filter(([, v]) => v !== undefined)) as SequencedMessage;
}
