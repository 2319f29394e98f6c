import { isolate } from '../shared/bidi';

/** "Ann is typing…", "Ann and Bo are typing…", "Several people are typing…", or '' for nobody; names isolated. */
export function typingLabel(names: readonly string[]): string {
  if (names.length === 0) return '';
  if (names.length === 1) return `${isolate(names[0])} is typing…`;
  if (names.length === 2) return `${isolate(names[0])} and ${isolate(names[1])} are typing…`;
  return 'Several people are typing…';
}
