export type TextPart = { kind: 'text'; text: string } | { kind: 'link'; text: string; href: string; host?: string };

/** Bidi controls and zero-width characters: inside a link they could make its text read as another address. */
const HIDDEN = '\\u200b-\\u200f\\u202a-\\u202e\\u2060-\\u2064\\u2066-\\u2069\\ufeff';
// Trailing punctuation is far more often prose than part of a URL; a hidden character ends the link.
const URL_RE = new RegExp(`\\bhttps?://[^\\s<>"'${HIDDEN}]+[^\\s<>"'.,;:!?)\\]}${HIDDEN}]`, 'gi');

/**
 * Split user text into plain text and http(s) links. The template renders both as text nodes and
 * bound attributes, so no user HTML ever reaches the DOM and only http(s) hrefs exist. A link whose text
 * does not plainly start with the host it goes to (`https://bank.example@evil.example`, a look-alike
 * international name, an encoded or numeric host) carries `host`, the real one, to be shown beside it.
 */
export function linkify(text: string): TextPart[] {
  const parts: TextPart[] = [];
  let last = 0;
  for (const match of text.matchAll(URL_RE)) {
    const start = match.index;
    let url: URL;
    try {
      url = new URL(match[0]);
    } catch {
      continue;
    }
    if (start > last) parts.push({ kind: 'text', text: text.slice(last, start) });
    // What a reader takes for the host: from after `//` to the first / ? # or \ (which browsers read as /).
    const typed = match[0]
      .slice(match[0].indexOf('//') + 2)
      .split(/[/?#\\]/)[0]
      .toLowerCase();
    parts.push({ kind: 'link', text: match[0], href: url.href, ...(typed === url.host ? {} : { host: url.host }) });
    last = start + match[0].length;
  }
  if (last < text.length) parts.push({ kind: 'text', text: text.slice(last) });
  return parts;
}
