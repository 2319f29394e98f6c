import type { UploadUrlResponse } from '@chat/protocol';

/** The shortest time an upload may take, even when its URL expires sooner (slow links, big images). */
const UPLOAD_TIMEOUT_MIN_MS = 60_000;

/**
 * What an upload takes from the app, handed in: this module is a lazy chunk (fetched at the first image; most
 * sessions never send one) that imports nothing of the app's but types, so it shares no code with the first screen's.
 */
export interface UploadDeps {
  fetch: typeof fetch;
  /** Absolute URL of an API path or of a server-given URL that may be relative to the API. */
  resolve: (pathOrUrl: string) => string;
  xhr: () => XMLHttpRequest;
  /** The API's error body as the user's reason. */
  errorMessage: (res: Response, fallback: string) => Promise<string>;
  /** Signed in: the `Authorization` value for an upload to the API's own origin (embedded mode's PUT); none for S3. */
  bearerFor?: (url: string) => string | undefined;
}

/** Uploads one image for `room`: asks the server where (`/upload-url`), sends the bytes there, resolves with the object key. */
export async function uploadImage(deps: UploadDeps, file: File, room: string, onProgress: (fraction: number) => void): Promise<string> {
  const query = new URLSearchParams({ filename: file.name || 'image', contentType: file.type, size: String(file.size), room });
  let res: Response;
  try {
    res = await deps.fetch(deps.resolve(`/upload-url?${query}`), { cache: 'no-store' });
  } catch {
    throw new Error('Could not reach the server to upload');
  }
  if (!res.ok) throw new Error(await deps.errorMessage(res, 'Upload refused'));
  const target = (await res.json()) as UploadUrlResponse;
  const url = deps.resolve(target.url);
  const bearer = deps.bearerFor?.(url);
  await sendWithXhr(
    deps.xhr(),
    url,
    bearer ? { ...target, headers: { ...target.headers, authorization: bearer } } : target,
    file,
    onProgress,
  );
  return target.key;
}

/**
 * XHR rather than fetch: fetch still reports no upload progress. S3 presigned POST wants its policy
 * fields first and the file last as `file`; the embedded server takes a raw PUT.
 */
function sendWithXhr(
  xhr: XMLHttpRequest,
  url: string,
  target: UploadUrlResponse,
  file: File,
  onProgress: (fraction: number) => void,
): Promise<void> {
  return new Promise((resolve, reject) => {
    xhr.open(target.method, url);
    // Without a limit a stalled upload spins for ever and the Retry button never appears.
    xhr.timeout = Math.max(target.expiresIn * 1000, UPLOAD_TIMEOUT_MIN_MS);
    let body: XMLHttpRequestBodyInit;
    if (target.method === 'POST') {
      const form = new FormData();
      for (const [name, value] of Object.entries(target.fields ?? {})) form.append(name, value);
      form.append('file', file);
      body = form;
    } else {
      for (const [name, value] of Object.entries(target.headers ?? {})) xhr.setRequestHeader(name, value);
      body = file;
    }
    xhr.upload.onprogress = (e) => {
      if (e.lengthComputable && e.total > 0) onProgress(e.loaded / e.total);
    };
    xhr.onload = () => {
      if (xhr.status >= 200 && xhr.status < 300) {
        onProgress(1);
        resolve();
      } else {
        reject(new Error(`Upload failed (HTTP ${xhr.status})`));
      }
    };
    xhr.onerror = () => reject(new Error('Upload failed: network error'));
    xhr.ontimeout = () => reject(new Error('Upload timed out'));
    xhr.send(body);
  });
}
