import type { UploadUrlResponse } from '@chat/protocol';

/** The shortest time an upload may take, even when its URL expires sooner (slow links, big images). */
const UPLOAD_TIMEOUT_MIN_MS = 60_000;

/**
 * XHR rather than fetch: fetch still reports no upload progress. S3 presigned POST wants its policy
 * fields first and the file last as `file`; the embedded server takes a raw PUT. Imports nothing of the
 * app's (only a type), so that its lazy chunk shares no code with the first screen's.
 */
export function sendWithXhr(
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
