/**
 * The ID token on the API's requests: `Authorization: Bearer <token>` to the API's origin only (never to S3 or a
 * CDN), and a 401 answered by `unauthorized` (refresh, or ask to sign in again).
 */
export interface ApiToken {
  token: () => string | undefined;
  apiOrigin: string;
  unauthorized: () => void;
}

export function bearerFor(api: ApiToken, url: string): string | undefined {
  const token = api.token();
  return token && new URL(url, globalThis.location?.href).origin === api.apiOrigin ? `Bearer ${token}` : undefined;
}

export function authorizedFetch(api: ApiToken, fetch: typeof globalThis.fetch): typeof globalThis.fetch {
  return async (input, init) => {
    const bearer = bearerFor(api, input instanceof Request ? input.url : String(input));
    if (!bearer) return fetch(input, init);
    const headers = new Headers(init?.headers);
    headers.set('authorization', bearer);
    const res = await fetch(input, { ...init, headers });
    if (res.status === 401) api.unauthorized();
    return res;
  };
}
