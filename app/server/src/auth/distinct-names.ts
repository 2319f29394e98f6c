import { AUTHOR_MAX, codePoints } from '@chat/protocol';
import type { Identity } from './identity';

/** Two names a reader would take for the same one: case and compatibility forms (ｆｕｌｌwidth, ligatures) aside. */
const sameLooking = (name: string) => name.normalize('NFKC').toLocaleLowerCase('en');

function withSuffix(name: string, suffix: string): string {
  const room = AUTHOR_MAX - codePoints(suffix) - 1;
  const chars = [...name];
  const short = chars.length > room ? chars.slice(0, room - 1).join('') + '…' : name;
  return `${short} ${suffix}`;
}

/**
 * The names to show for people who are together (in a room, in presence): a name only one of them has is shown as
 * it is; people who share a name get their tag, `Sam Lee (example.com)`, or, when their tags are the same too, `#`
 * and 4 characters of their id. Labels stay within the protocol's author length.
 */
export function distinctNames(people: readonly Pick<Identity, 'id' | 'name' | 'tag'>[]): Map<string, string> {
  const byName = new Map<string, Pick<Identity, 'id' | 'name' | 'tag'>[]>();
  for (const p of people) {
    const key = sameLooking(p.name);
    const group = byName.get(key) ?? [];
    if (!group.some((q) => q.id === p.id)) group.push(p);
    byName.set(key, group);
  }
  const labels = new Map<string, string>();
  for (const group of byName.values()) {
    for (const p of group) {
      if (group.length === 1) labels.set(p.id, p.name);
      else {
        const tagShared = group.some((q) => q.id !== p.id && q.tag === p.tag);
        labels.set(p.id, withSuffix(p.name, tagShared || p.tag.startsWith('#') ? `#${p.id.slice(-4)}` : `(${p.tag})`));
      }
    }
  }
  return labels;
}
