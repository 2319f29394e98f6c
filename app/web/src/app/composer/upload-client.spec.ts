import { TestBed } from '@angular/core/testing';
import { PROTOCOL_VERSION, type UploadUrlResponse } from '@chat/protocol';
import { FETCH } from '../config/fetch';
import { RuntimeConfig } from '../config/runtime-config';
import { fakeFetch } from '../testing/fake-fetch';
import { UploadClient, XHR_FACTORY } from './upload-client';

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

/** The request, once opened: the XHR code is a lazy chunk, so it opens a moment after `send`. */
async function opened(): Promise<RecordingXhr> {
  await vi.waitFor(() => expect(RecordingXhr.last?.method).toBeTruthy());
  return RecordingXhr.last!;
}

function setup(apiUrl = '') {
  RecordingXhr.last = undefined;
  const net = fakeFetch(() => ({ body: { apiUrl, maxUploadBytes: 1000, imageTypes: ['image/png'], protocolVersion: PROTOCOL_VERSION } }));
  TestBed.configureTestingModule({
    providers: [
      { provide: XHR_FACTORY, useValue: () => new RecordingXhr() as unknown as XMLHttpRequest },
      { provide: FETCH, useValue: net.fetch },
    ],
  });
  return TestBed.inject(UploadClient);
}

const file = new File([new Uint8Array([137, 80, 78, 71])], 'cat.png', { type: 'image/png' });
const base = { key: 'rooms/global/01J00000000000000000000000.png', expiresIn: 300, maxBytes: 1000 };

describe('UploadClient', () => {
  it('POSTs a presigned form: every policy field first, the file last as `file`, with progress', async () => {
    const client = setup();
    const target: UploadUrlResponse = {
      ...base,
      method: 'POST',
      url: 'https://bucket.s3.amazonaws.com/',
      fields: { key: base.key, Policy: 'p', 'Content-Type': 'image/png' },
    };
    const progress: number[] = [];
    const done = client.send(target, file, (f) => progress.push(f));
    const xhr = await opened();
    expect([xhr.method, xhr.url]).toEqual(['POST', 'https://bucket.s3.amazonaws.com/']);
    const form = xhr.body as FormData;
    expect([...form.keys()]).toEqual(['key', 'Policy', 'Content-Type', 'file']);
    expect((form.get('file') as File).name).toBe('cat.png');
    xhr.upload.onprogress!({ lengthComputable: true, loaded: 2, total: 4 });
    xhr.status = 204;
    xhr.onload!();
    await done;
    expect(progress).toEqual([0.5, 1]);
  });

  it('PUTs the raw file with the given headers to a URL relative to the API, which may be on another origin', async () => {
    const client = setup('http://api.example.com:3000');
    await TestBed.inject(RuntimeConfig).load('http://localhost/config.json');
    const done = client.send(
      { ...base, method: 'PUT', url: '/uploads/abc?sig=1', headers: { 'Content-Type': 'image/png' } },
      file,
      () => {},
    );
    const xhr = await opened();
    expect([xhr.method, xhr.url]).toEqual(['PUT', 'http://api.example.com:3000/uploads/abc?sig=1']);
    expect(xhr.headers).toEqual({ 'Content-Type': 'image/png' });
    expect(xhr.body).toBe(file);
    xhr.status = 200;
    xhr.onload!();
    await done;
  });

  it('rejects with a readable reason when the storage refuses', async () => {
    const client = setup();
    const done = client.send({ ...base, method: 'PUT', url: '/uploads/abc', headers: {} }, file, () => {});
    const xhr = await opened();
    xhr.status = 403;
    xhr.onload!();
    await expect(done).rejects.toThrow('Upload failed (HTTP 403)');
  });

  it('gives up on a stalled upload with a reason, so a retry is offered', async () => {
    const client = setup();
    const done = client.send({ ...base, expiresIn: 600, method: 'PUT', url: '/uploads/abc', headers: {} }, file, () => {});
    const xhr = await opened();
    expect(xhr.timeout).toBe(600_000);
    xhr.ontimeout!();
    await expect(done).rejects.toThrow('Upload timed out');
  });
});
