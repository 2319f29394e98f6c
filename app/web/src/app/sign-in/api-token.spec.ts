import { authorizedFetch, bearerFor, type ApiToken } from './api-token';

function setup(token: string | undefined) {
  const seen: { url: string; authorization: string | null }[] = [];
  const unauthorized = vi.fn();
  const api: ApiToken = { token: () => token, apiOrigin: 'https://api.example.com', unauthorized };
  const fetch = authorizedFetch(api, async (input, init) => {
    seen.push({ url: String(input), authorization: new Headers(init?.headers).get('authorization') });
    return new Response('{}', { status: String(input).includes('/history') ? 401 : 200 });
  });
  return { api, fetch, seen, unauthorized };
}

describe('the ID token on API requests', () => {
  it("goes to the API's origin only, as a bearer token, keeping the request's own headers", async () => {
    const { fetch, seen } = setup('tok');
    await fetch('https://api.example.com/upload-url?size=1', { headers: { accept: 'application/json' } });
    await fetch('https://bucket.s3.amazonaws.com/rooms/x.png');
    await fetch('https://api.example.com.evil.example/x');
    expect(seen.map((s) => s.authorization)).toEqual(['Bearer tok', null, null]);
  });

  it('a 401 from the API asks the sign-in to refresh; other origins and answers do not', async () => {
    const { fetch, unauthorized } = setup('tok');
    await fetch('https://api.example.com/upload-url');
    expect(unauthorized).not.toHaveBeenCalled();
    await fetch('https://api.example.com/history?room=a');
    expect(unauthorized).toHaveBeenCalledTimes(1);
  });

  it('without a token (signed out), nothing is added and a 401 is only an answer', async () => {
    const { fetch, seen, unauthorized } = setup(undefined);
    await fetch('https://api.example.com/history?room=a');
    expect(seen[0].authorization).toBeNull();
    expect(unauthorized).not.toHaveBeenCalled();
  });

  it('uploads to the API (embedded PUT) carry it; uploads to storage elsewhere do not', () => {
    const { api } = setup('tok');
    expect(bearerFor(api, 'https://api.example.com/uploads/rooms/a/x.png?sig=1')).toBe('Bearer tok');
    expect(bearerFor(api, 'https://uploads.example.net/')).toBeUndefined();
  });
});
