/** A `fetch` that answers by URL, recording every request, for the FETCH token. */
export function fakeFetch(answer: (url: URL) => { status?: number; body: unknown } | Promise<{ status?: number; body: unknown }>) {
  const calls: URL[] = [];
  const fn = async (input: RequestInfo | URL): Promise<Response> => {
    const url = new URL(typeof input === 'string' ? input : input instanceof URL ? input.href : input.url);
    calls.push(url);
    const { status = 200, body } = await answer(url);
    return new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
  };
  return { fetch: fn, calls };
}
