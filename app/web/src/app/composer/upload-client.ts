import { Injectable, InjectionToken, inject } from '@angular/core';
import type { UploadUrlResponse } from '@chat/protocol';
import { FETCH } from '../config/fetch';
import { RuntimeConfig } from '../config/runtime-config';
import { errorMessage } from '../config/http-error';

export class UploadError extends Error {}

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

  /** The XHR code is a chunk of its own, fetched at the first image: most sessions never send one. */
  async send(target: UploadUrlResponse, file: File, onProgress: (fraction: number) => void): Promise<void> {
    const { sendWithXhr } = await import('./upload-xhr');
    try {
      await sendWithXhr(this.xhr(), this.config.resolve(target.url), target, file, onProgress);
    } catch (err) {
      throw new UploadError((err as Error).message);
    }
  }
}
