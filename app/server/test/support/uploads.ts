import type { UploadUrlResponse } from '@chat/protocol';

/** `headers`: signed in, the bearer token. */
export async function uploadUrl(base: string, query: string, headers: Record<string, string> = {}) {
  const res = await fetch(`${base}/upload-url?${query}`, { headers });
  return { status: res.status, body: (await res.json()) as UploadUrlResponse & { error?: { code: string } } };
}

/** Upload as a browser would: a PUT with the given headers, or a multipart POST with the fields then the file. */
export async function upload(
  base: string,
  target: UploadUrlResponse,
  body: Buffer,
  contentType = 'image/png',
  /** Signed in, the bearer token, which goes to the API's own origin only (as the web client sends it). */
  authorization?: string,
): Promise<Response> {
  const url = new URL(target.url, base);
  if (target.method === 'PUT') {
    const own = url.origin === new URL(base).origin && authorization !== undefined;
    return fetch(url, { method: 'PUT', headers: { ...target.headers, ...(own ? { authorization } : {}) }, body });
  }
  const form = new FormData();
  for (const [k, v] of Object.entries(target.fields ?? {})) form.append(k, v);
  form.append('file', new Blob([body], { type: contentType }), 'cat.png');
  return fetch(url, { method: 'POST', body: form });
}
