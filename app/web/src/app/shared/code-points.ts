/** Length as the protocol counts it: code points, so an emoji is one character. */
export function codePointLength(s: string): number {
  let n = 0;
  for (const _ of s) n++;
  return n;
}
