import type { AppendResult, MessageStore, SequencedMessage } from '../../src/ports';

/**
 * A real store with failures injected at the port: `failAppend` decides, per call, whether an append throws (before
 * or after the real write — after is an answer lost on the way back) or goes through.
 */
export class FaultyStore implements MessageStore {
  failAppend: (room: string, messages: SequencedMessage[]) => { error: Error; after?: boolean } | undefined = () => undefined;
  appends = 0;

  constructor(readonly inner: MessageStore) {}

  head(room: string) {
    return this.inner.head(room);
  }
  lookup(room: string, ids: string[], opts?: { consistent?: boolean }) {
    return this.inner.lookup(room, ids, opts);
  }
  async append(room: string, messages: SequencedMessage[]): Promise<AppendResult> {
    this.appends++;
    const fault = this.failAppend(room, messages);
    if (fault && !fault.after) throw fault.error;
    const result = await this.inner.append(room, messages);
    if (fault) throw fault.error;
    return result;
  }
  page(room: string, limit: number, before?: string) {
    return this.inner.page(room, limit, before);
  }
  ping() {
    return this.inner.ping();
  }
  close() {
    return this.inner.close();
  }
}

export const awsError = (name: string, message = name) => Object.assign(new Error(message), { name, $fault: 'client' as const });
