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

  it('names the real host of a link whose text would let a reader take it for another', () => {
    const host = (text: string) => linkify(text).map((p) => (p.kind === 'link' ? (p.host ?? null) : undefined));
    // Honest links need nothing beside them, whatever their case, port or path.
    expect(host('https://Example.COM/path')).toEqual([null]);
    expect(host('http://127.0.0.1:3000/r/global')).toEqual([null]);
    // Text before an @ is a user name, not the host.
    expect(host('https://bank.example@evil.example/login')).toEqual(['evil.example']);
    expect(host('https://bank.example:secure@evil.example')).toEqual(['evil.example']);
    // A look-alike international name (Cyrillic "а"), shown as the browser resolves it.
    expect(host('https://аpple.com')).toEqual(['xn--pple-43d.com']);
    // An encoded or numeric host.
    expect(host('https://%65vil.example/')).toEqual(['evil.example']);
    expect(host('http://0x7f.1/')).toEqual(['127.0.0.1']);
    // A backslash is a path separator to the browser, so the host is as it reads.
    expect(host('https://good.example\\@evil.example')).toEqual([null]);
  });

  it('ends a link at a bidi control or zero-width character, so its text cannot be turned around', () => {
    const parts = linkify('https://evil.example/\u202Emoc.knab and https://good\u200B.example');
    expect(parts.filter((p) => p.kind === 'link').map((p) => p.text)).toEqual(['https://evil.example/', 'https://good']);
  });
});
