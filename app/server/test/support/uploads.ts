import type { UploadUrlResponse } from '@chat/protocol';

export async function uploadUrl(base: string, query: string) {
  const res = await fetch(`${base}/upload-url?${query}`);
  return { status: res.status, body: (await res.json()) as UploadUrlResponse & { error?: { code: string } } };
}

/** Upload as a browser would: a PUT with the given headers, or a multipart POST with the fields then the file. */
export async function upload(base: string, target: UploadUrlResponse, body: Buffer, contentType = 'image/png'): Promise<Response> {
  const url = new URL(target.url, base);
  if (target.method === 'PUT') {
    return fetch(url, { method: 'PUT', headers: target.headers, body });
  }
  const form = new FormData();
  for (const [k, v] of Object.entries(target.fields ?? {})) form.append(k, v);
  form.append('file', new Blob([body], { type: contentType }), 'cat.png');
  return fetch(url, { method: 'POST', body: form });
}
