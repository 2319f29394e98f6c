import type { HistoryPage, MessageReactions, MessageStore, SequencedMessage } from '../ports';
import { plainImageUrl } from './image-links';
import { History } from './history';

const row = (seq: number): SequencedMessage => ({
  id: `m${seq}`,
  room: 'r',
  author: 'a',
  text: 't',
  seq: String(seq).padStart(20, '0'),
  sentAt: '',
});

/** A store whose reads wait until the test lets them answer, and which counts them with their consistency. */
function gatedStore() {
  const reads: { before: string | undefined; consistent: boolean | undefined }[] = [];
  let open!: () => void;
  const gate = new Promise<void>((resolve) => (open = resolve));
  const store = {
    page: async (_room: string, limit: number, before?: string, opts?: { consistent?: boolean }): Promise<HistoryPage> => {
      reads.push({ before, consistent: opts?.consistent });
      await gate;
      return { messages: [row(2), row(1)].slice(0, limit), more: false };
    },
  } as unknown as MessageStore;
  return { store, reads, open };
}

/** No reactions: these tests are about reading pages. */
const NO_REACTIONS = { summaries: async () => new Map() } as unknown as MessageReactions;

describe('History', () => {
  it('reads the newest page once for every request that wants it while it is being read', async () => {
    const { store, reads, open } = gatedStore();
    const history = new History(store, NO_REACTIONS, { imageUrl: plainImageUrl(undefined), timeoutMs: 5000 });
    const answers = Array.from({ length: 20 }, () => history.read({ room: 'r' }));
    open();
    for (const a of await Promise.all(answers)) expect(a).toMatchObject({ ok: true, value: { messages: [{ id: 'm1' }, { id: 'm2' }] } });
    expect(reads).toEqual([{ before: undefined, consistent: true }]);
    // Still fresh: answered from memory.
    await history.read({ room: 'r' });
    expect(reads).toHaveLength(1);
    // A stored message makes it stale at once.
    history.forget('r');
    await history.read({ room: 'r' });
    expect(reads).toHaveLength(2);
  });

  it('reads a page before a seq eventually consistent, every time', async () => {
    const { store, reads, open } = gatedStore();
    open();
    const history = new History(store, NO_REACTIONS, { imageUrl: plainImageUrl(undefined), timeoutMs: 5000 });
    await history.read({ room: 'r', before: '5' });
    await history.read({ room: 'r', before: '5' });
    expect(reads).toEqual([
      { before: '00000000000000000005', consistent: false },
      { before: '00000000000000000005', consistent: false },
    ]);
  });
});
