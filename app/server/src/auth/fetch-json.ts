/** What the issuer answers for discovery and keys is small; anything bigger is not a document we want. */
const MAX_BYTES = 512 * 1024;

/**
 * GET a JSON document from the issuer: no redirects (the document's own URL is the one configured or published),
 * a timeout, a size cap. Throws a plain Error saying what failed.
 */
export async function fetchJson(url: URL, timeoutMs: number): Promise<unknown> {
  const res = await fetch(url, {
    redirect: 'error',
    signal: AbortSignal.timeout(timeoutMs),
    headers: { accept: 'application/json, application/jwk-set+json' },
  }).catch((err: Error) => {
    throw new Error(
      err.name === 'TimeoutError' ? `no answer within ${timeoutMs} ms` : ((err.cause as Error | undefined)?.message ?? err.message),
    );
  });
  if (res.status !== 200) {
    await res.body?.cancel();
    throw new Error(`HTTP ${res.status}`);
  }
  const text = await res.text();
  if (text.length > MAX_BYTES) throw new Error(`document larger than ${MAX_BYTES} bytes`);
  try {
    return JSON.parse(text);
  } catch {
    throw new Error('not JSON');
  }
}
