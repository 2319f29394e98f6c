/**
 * Polls until `check()` holds: a test waits for a condition, never for a fixed time. After `ms` it rejects with what
 * it was waiting for (`what`) and, when `seen` is given, what it last saw.
 */
export async function eventually(
  check: () => boolean | Promise<boolean>,
  ms: number,
  what: string,
  seen?: () => string | Promise<string>,
): Promise<void> {
  const until = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > until) throw new Error(`waited ${ms} ms for ${what}${seen ? `; saw ${await seen()}` : ''}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
