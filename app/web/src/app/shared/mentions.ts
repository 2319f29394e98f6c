/**
 * Whether `text` mentions `name` as `@name` (any case), not as the start of a longer name (`@ann` is not `@anna`).
 * Names may hold spaces: the whole name follows the `@`.
 */
export function mentions(text: string | undefined, name: string | null | undefined): boolean {
  if (!text || !name) return false;
  const lower = text.toLowerCase();
  const at = `@${name.toLowerCase()}`;
  for (let i = lower.indexOf(at); i >= 0; i = lower.indexOf(at, i + 1)) if (!/[\p{L}\p{N}_]/u.test(lower[i + at.length] ?? '')) return true;
  return false;
}
