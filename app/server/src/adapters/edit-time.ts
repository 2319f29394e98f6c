/**
 * The `editedAt` an edit gets: its own time, unless that is not later than the last edit's (clocks of two servers
 * differ, or two edits fall in one millisecond): then 1 ms after it. So each edit of a message is later than the one
 * before, and clients can order edits by `editedAt` alone.
 */
export function nextEditedAt(previous: string | undefined, at: Date): string {
  const last = previous === undefined ? Number.NEGATIVE_INFINITY : Date.parse(previous);
  return new Date(Math.max(at.getTime(), last + 1)).toISOString();
}
