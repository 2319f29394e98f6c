/**
 * Waits until `value()` gives something (not undefined, null or false) and returns it; after `timeoutMs`, fails
 * saying what was awaited. For what the test process itself records (frames, requests), where the page's own
 * waitForFunction cannot look.
 */
export async function until<T>(what: string, value: () => T | undefined | null | false, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = value();
    if (v !== undefined && v !== null && v !== false) return v;
    if (Date.now() > deadline) throw new Error(`waited ${timeoutMs} ms for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
