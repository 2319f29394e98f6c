import { TestBed } from '@angular/core/testing';
import { DEFAULT_MAX_UPLOAD_BYTES, PROTOCOL_VERSION } from '@chat/protocol';
import { fakeFetch } from '../testing/fake-fetch';
import { FETCH } from './fetch';
import { DEFAULT_CONFIG, RuntimeConfig } from './runtime-config';

function setup(answer: Parameters<typeof fakeFetch>[0]) {
  const net = fakeFetch(answer);
  TestBed.configureTestingModule({ providers: [{ provide: FETCH, useValue: net.fetch }] });
  return { config: TestBed.inject(RuntimeConfig), net };
}

describe('RuntimeConfig', () => {
  beforeEach(() => vi.spyOn(console, 'warn').mockImplementation(() => {}));

  it('reads /config.json and uses its API URL for requests and images', async () => {
    const { config, net } = setup(() => ({
      body: { apiUrl: 'http://api.example.com:3000/', maxUploadBytes: 1000, imageTypes: ['image/png'], protocolVersion: PROTOCOL_VERSION },
    }));
    const loaded = await config.load('http://localhost/config.json');
    expect(net.calls.map((u) => u.pathname)).toEqual(['/config.json']);
    expect(loaded).toEqual({
      apiUrl: 'http://api.example.com:3000',
      maxUploadBytes: 1000,
      imageTypes: ['image/png'],
      protocolVersion: PROTOCOL_VERSION,
    });
    expect(config.resolve('/images/rooms/global/x.png')).toBe('http://api.example.com:3000/images/rooms/global/x.png');
    expect(config.resolve('https://cdn.example.com/a.png')).toBe('https://cdn.example.com/a.png');
    expect(config.socketOrigin()).toBe('http://api.example.com:3000');
    expect(config.problem()).toBeNull();
  });

  it('falls back to same-origin defaults when there is no config.json', async () => {
    const { config } = setup(() => ({ status: 404, body: {} }));
    expect(await config.load('http://localhost/config.json')).toEqual(DEFAULT_CONFIG);
    expect(config.config().maxUploadBytes).toBe(DEFAULT_MAX_UPLOAD_BYTES);
    expect(config.resolve('/history?room=a')).toBe(`${location.origin}/history?room=a`);
    expect(config.problem()).toBeNull();
  });

  it('says why when config.json is not valid, and keeps working on defaults', async () => {
    const { config } = setup(() => ({ body: { apiUrl: 5 } }));
    expect(await config.load('http://localhost/config.json')).toEqual(DEFAULT_CONFIG);
    expect(config.problem()).toMatch(/not valid/);
  });

  it('keeps working when the network fails', async () => {
    const { config } = setup(() => {
      throw new TypeError('Failed to fetch');
    });
    expect(await config.load('http://localhost/config.json')).toEqual(DEFAULT_CONFIG);
    expect(config.problem()).toMatch(/Failed to fetch/);
  });

  it('warns when the server speaks another protocol version', async () => {
    const { config } = setup(() => ({ body: { apiUrl: '', maxUploadBytes: 10, imageTypes: [], protocolVersion: PROTOCOL_VERSION + 1 } }));
    await config.load('http://localhost/config.json');
    expect(config.problem()).toMatch(/reload/);
  });

  it('refuses an apiUrl with a path, which neither the socket nor the server URLs could honour', async () => {
    const { config } = setup(() => ({
      body: { apiUrl: 'https://example.com/api/', maxUploadBytes: 1000, imageTypes: ['image/png'], protocolVersion: PROTOCOL_VERSION },
    }));
    expect(await config.load('http://localhost/config.json')).toEqual(DEFAULT_CONFIG);
    expect(config.problem()).toMatch(/apiUrl must be an origin without a path/);
    expect(config.resolve('/history?room=a')).toBe(`${location.origin}/history?room=a`);
  });
});
