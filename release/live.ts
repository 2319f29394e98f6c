/**
 * After a release: wait until the chat answers through its public URLs, then run the smoke test.
 *   API: GET <api>/readyz is 200 (the server and its backends are up)
 *   site: GET <site>/index.html and <site>/config.json are 200 (the published build, pointing at that API)
 *
 *   node release/dist/live.js <api-url> <site-url> [--timeout 600000] [--label text]   (SMOKE_TOKEN: a signed-in deployment's round trip)
 *
 * `npm run deploy` ends with it. A new instance needs a few minutes (boot, Node, release), so the wait is long but
 * bounded, and every request has its own short timeout.
 */
import { endpoint, runSmoke, smokeToken, type SmokeResult } from './smoke';

export interface LiveOptions {
  timeoutMs?: number;
  /** Pause between attempts. */
  intervalMs?: number;
  label?: string;
  log?: (line: string) => void;
}

async function status(url: URL): Promise<string> {
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(10_000), redirect: 'follow' });
    await res.arrayBuffer();
    return String(res.status);
  } catch (e) {
    const cause = (e as { cause?: { code?: string } }).cause;
    return cause?.code ?? (e as Error).message;
  }
}

/** Resolves once every URL answers 200; rejects at the deadline naming the last answer of each that did not. */
export async function waitFor200(urls: URL[], deadline: number, intervalMs: number, log: (l: string) => void): Promise<void> {
  const pending = new Map(urls.map((u) => [u.href, u]));
  const last = new Map<string, string>();
  for (;;) {
    for (const [href, url] of pending) {
      const s = await status(url);
      if (s === '200') {
        pending.delete(href);
        log(`${href} answers 200`);
      } else last.set(href, s);
    }
    if (pending.size === 0) return;
    if (Date.now() + intervalMs > deadline) {
      throw new Error(`not live in time: ${[...pending.keys()].map((h) => `${h} (${last.get(h)})`).join(', ')}`);
    }
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}

export async function waitUntilLive(apiUrl: string, siteUrl: string, options: LiveOptions = {}): Promise<SmokeResult> {
  const log = options.log ?? (() => {});
  const deadline = Date.now() + (options.timeoutMs ?? 600_000);
  await waitFor200(
    [endpoint(apiUrl, '/readyz'), endpoint(siteUrl, '/index.html'), endpoint(siteUrl, '/config.json')],
    deadline,
    options.intervalMs ?? 3000,
    log,
  );
  return runSmoke(apiUrl, { label: options.label, timeoutMs: 30_000, log, token: smokeToken() });
}

if (require.main === module) {
  (async () => {
    const [apiUrl, siteUrl, ...rest] = process.argv.slice(2);
    const options: LiveOptions = { log: (l) => console.error(`live: ${l}`) };
    for (let i = 0; i < rest.length; i += 2) {
      if (rest[i] === '--timeout') options.timeoutMs = Number(rest[i + 1]);
      else if (rest[i] === '--label') options.label = rest[i + 1];
      else throw new Error(`unknown argument ${rest[i]}`);
    }
    if (!apiUrl || !siteUrl) throw new Error('usage: live <api-url> <site-url> [--timeout ms] [--label text]');
    const result = await waitUntilLive(apiUrl, siteUrl, options);
    console.log(JSON.stringify(result));
  })().catch((err: Error) => {
    console.error(`live: FAILED: ${err.message}`);
    process.exitCode = 1;
  });
}
