import { Injectable, InjectionToken, inject } from '@angular/core';
import type { UploadUrlResponse } from '@chat/protocol';
import { FETCH } from '../config/fetch';
import { RuntimeConfig } from '../config/runtime-config';
import { errorMessage } from '../config/http-error';

export class UploadError extends Error {}

/** The shortest time an upload may take, even when its URL expires sooner (slow links, big images). */
export const UPLOAD_TIMEOUT_MIN_MS = 60_000;

/** The upload's network boundary, like FETCH for the rest. */
export const XHR_FACTORY = new InjectionToken<() => XMLHttpRequest>('XHR_FACTORY', {
  providedIn: 'root',
  factory: () => () => new XMLHttpRequest(),
});

@Injectable({ providedIn: 'root' })
export class UploadClient {
  private readonly fetch = inject(FETCH);
  private readonly config = inject(RuntimeConfig);
  private readonly xhr = inject(XHR_FACTORY);

  async target(file: File, room: string): Promise<UploadUrlResponse> {
    const query = new URLSearchParams({ filename: file.name || 'image', contentType: file.type, size: String(file.size), room });
    let res: Response;
    try {
      res = await this.fetch(this.config.resolve(`/upload-url?${query}`), { cache: 'no-store' });
    } catch {
      throw new UploadError('Could not reach the server to upload');
    }
    if (!res.ok) throw new UploadError(await errorMessage(res, 'Upload refused'));
    return (await res.json()) as UploadUrlResponse;
  }

  /**
   * XHR rather than fetch: fetch still reports no upload progress. S3 presigned POST wants its policy
   * fields first and the file last as `file`; the embedded server takes a raw PUT.
   */
  send(target: UploadUrlResponse, file: File, onProgress: (fraction: number) => void): Promise<void> {
    return new Promise((resolve, reject) => {
      const xhr = this.xhr();
      xhr.open(target.method, this.config.resolve(target.url));
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
          reject(new UploadError(`Upload failed (HTTP ${xhr.status})`));
        }
      };
      xhr.onerror = () => reject(new UploadError('Upload failed: network error'));
      xhr.ontimeout = () => reject(new UploadError('Upload timed out'));
      xhr.send(body);
    });
  }
}
