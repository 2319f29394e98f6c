import type { ChatMessage, HistoryResponse } from '@chat/protocol';

export async function history(url: string, query: string): Promise<HistoryResponse> {
  const res = await fetch(`${url}/history?${query}`);
  expect(res.status).toBe(200);
  return (await res.json()) as HistoryResponse;
}

/** Every message of a room, oldest → newest, by walking `before` back from the newest page. */
export async function fullHistory(url: string, room: string, limit = 200): Promise<ChatMessage[]> {
  const pages: ChatMessage[][] = [];
  let before: string | null = null;
  do {
    const page: HistoryResponse = await history(url, `room=${room}&limit=${limit}${before ? `&before=${before}` : ''}`);
    pages.unshift(page.messages);
    before = page.nextBefore;
  } while (before);
  return pages.flat();
}
