export type TextPart = { kind: 'text'; text: string } | { kind: 'link'; text: string; href: string };

// Trailing punctuation is far more often prose than part of a URL.
const URL_RE = /\bhttps?:\/\/[^\s<>"']+[^\s<>"'.,;:!?)\]}]/gi;

/**
 * Split user text into plain text and http(s) links. The template renders both as text nodes and
 * bound attributes, so no user HTML ever reaches the DOM and only http(s) hrefs exist.
 */
export function linkify(text: string): TextPart[] {
  const parts: TextPart[] = [];
  let last = 0;
  for (const match of text.matchAll(URL_RE)) {
    const start = match.index;
    let href: string;
    try {
      href = new URL(match[0]).toString();
    } catch {
      continue;
    }
    if (start > last) parts.push({ kind: 'text', text: text.slice(last, start) });
    parts.push({ kind: 'link', text: match[0], href });
    last = start + match[0].length;
  }
  if (last < text.length) parts.push({ kind: 'text', text: text.slice(last) });
  return parts;
}
