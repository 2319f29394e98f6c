import { linkify } from './linkify';

describe('linkify', () => {
  it('splits http(s) links out of text', () => {
    expect(linkify('see https://example.com/a?b=1, then http://x.org.')).toEqual([
      { kind: 'text', text: 'see ' },
      { kind: 'link', text: 'https://example.com/a?b=1', href: 'https://example.com/a?b=1' },
      { kind: 'text', text: ', then ' },
      { kind: 'link', text: 'http://x.org', href: 'http://x.org/' },
      { kind: 'text', text: '.' },
    ]);
  });

  it('never makes a link of other schemes', () => {
    expect(linkify('javascript:alert(1) data:text/html,<b>x</b>')).toEqual([
      { kind: 'text', text: 'javascript:alert(1) data:text/html,<b>x</b>' },
    ]);
  });

  it('does not swallow markup around a URL', () => {
    const parts = linkify('<a href="https://evil.example">x</a>');
    expect(parts.filter((p) => p.kind === 'link').map((p) => p.text)).toEqual(['https://evil.example']);
  });
});
