/**
 * A user-supplied name inside a string, isolated (FIRST STRONG ISOLATE … POP DIRECTIONAL ISOLATE), so that bidi
 * controls or right-to-left letters in it cannot reorder the words around it. Templates use `<bdi>` instead.
 */
export function isolate(name: string): string {
  return `\u2068${name}\u2069`;
}
