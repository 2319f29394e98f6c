import type { UploadUrlResponse } from '@chat/protocol';
import { errorMessage } from '../config/http-error';
import { fakeFetch } from '../testing/fake-fetch';
import { uploadImage } from './image-upload';

/** Records what the client does with an XMLHttpRequest and lets the test finish it. */
class RecordingXhr {
  static last: RecordingXhr | undefined;
  method = '';
  url = '';
  headers: Record<string, string> = {};
  body: unknown;
  status = 0;
  upload: { onprogress: ((e: { lengthComputable: boolean; loaded: number; total: number }) => void) | null } = { onprogress: null };
  onload: (() => void) | null = null;
  onerror: (() => void) | null = null;
  ontimeout: (() => void) | null = null;
  timeout = 0;
  constructor() {
    RecordingXhr.last = this;
  }
  open(method: string, url: string) {
    this.method = method;
    this.url = url;
  }
  setRequestHeader(name: string, value: string) {
    this.headers[name] = value;
  }
  send(body: unknown) {
    this.body = body;
  }
}

/** The request, once opened: it opens after the answer of `/upload-url`. */
async function opened(): Promise<RecordingXhr> {
  await vi.waitFor(() => expect(RecordingXhr.last?.method).toBeTruthy());
  return RecordingXhr.last!;
}

/** The API at `api`: `/upload-url` answers `target` (or `status` with an error body). */
function deps(
  target: Omit<UploadUrlResponse, 'key' | 'expiresIn' | 'maxBytes'> & Partial<UploadUrlResponse>,
  api = 'http://localhost',
  status = 200,
) {
  RecordingXhr.last = undefined;
  const net = fakeFetch(() =>
    status === 200 ? { body: { ...base, ...target } } : { status, body: { error: { code: 'rate_limited', message: 'Too many uploads' } } },
  );
  return {
    net,
    deps: {
      fetch: net.fetch,
      resolve: (url: string) => new URL(url, api).toString(),
      xhr: () => new RecordingXhr() as unknown as XMLHttpRequest,
      errorMessage,
    },
  };
}

const file = new File([new Uint8Array([137, 80, 78, 71])], 'cat.png', { type: 'image/png' });
const base = { key: 'rooms/global/01J00000000000000000000000.png', expiresIn: 300, maxBytes: 1000 };

describe('uploadImage', () => {
  it('asks the API where, then POSTs a presigned form: every policy field first, the file last as `file`, with progress', async () => {
    const { net, deps: d } = deps({
      method: 'POST',
      url: 'https://bucket.s3.amazonaws.com/',
      fields: { key: base.key, Policy: 'p', 'Content-Type': 'image/png' },
    });
    const progress: number[] = [];
    const done = uploadImage(d, file, 'global', (f) => progress.push(f));
    const xhr = await opened();
    const asked = net.calls[0];
    expect(asked.pathname).toBe('/upload-url');
    expect(Object.fromEntries(asked.searchParams)).toEqual({ filename: 'cat.png', contentType: 'image/png', size: '4', room: 'global' });
    expect([xhr.method, xhr.url]).toEqual(['POST', 'https://bucket.s3.amazonaws.com/']);
    const form = xhr.body as FormData;
    expect([...form.keys()]).toEqual(['key', 'Policy', 'Content-Type', 'file']);
    expect((form.get('file') as File).name).toBe('cat.png');
    xhr.upload.onprogress!({ lengthComputable: true, loaded: 2, total: 4 });
    xhr.status = 204;
    xhr.onload!();
    expect(await done).toBe(base.key);
    expect(progress).toEqual([0.5, 1]);
  });

  it('PUTs the raw file with the given headers to a URL relative to the API, which may be on another origin', async () => {
    const { net, deps: d } = deps(
      { method: 'PUT', url: '/uploads/abc?sig=1', headers: { 'Content-Type': 'image/png' } },
      'http://api.example.com:3000',
    );
    const done = uploadImage(d, file, 'global', () => {});
    const xhr = await opened();
    expect(net.calls[0].origin).toBe('http://api.example.com:3000');
    expect([xhr.method, xhr.url]).toEqual(['PUT', 'http://api.example.com:3000/uploads/abc?sig=1']);
    expect(xhr.headers).toEqual({ 'Content-Type': 'image/png' });
    expect(xhr.body).toBe(file);
    xhr.status = 200;
    xhr.onload!();
    await done;
  });

  it('says why when the API refuses the upload, and sends nothing', async () => {
    const { deps: d } = deps({ method: 'PUT', url: '/uploads/abc' }, undefined, 429);
    await expect(uploadImage(d, file, 'global', () => {})).rejects.toThrow('Too many uploads');
    expect(RecordingXhr.last).toBeUndefined();
  });

  it('rejects with a readable reason when the storage refuses', async () => {
    const { deps: d } = deps({ method: 'PUT', url: '/uploads/abc', headers: {} });
    const done = uploadImage(d, file, 'global', () => {});
    const xhr = await opened();
    xhr.status = 403;
    xhr.onload!();
    await expect(done).rejects.toThrow('Upload failed (HTTP 403)');
  });

  it('gives up on a stalled upload with a reason, so a retry is offered', async () => {
    const { deps: d } = deps({ expiresIn: 600, method: 'PUT', url: '/uploads/abc', headers: {} });
    const done = uploadImage(d, file, 'global', () => {});
    const xhr = await opened();
    expect(xhr.timeout).toBe(600_000);
    xhr.ontimeout!();
    await expect(done).rejects.toThrow('Upload timed out');
  });
});
