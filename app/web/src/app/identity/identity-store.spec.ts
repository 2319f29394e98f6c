import { TestBed } from '@angular/core/testing';
import { AUTHOR_MAX } from '@chat/protocol';
import { PROTOCOL_VERSION } from '@chat/protocol';
import { FETCH } from '../config/fetch';
import { RuntimeConfig } from '../config/runtime-config';
import { fakeFetch } from '../testing/fake-fetch';
import { IdentityStore } from './identity-store';

describe('IdentityStore', () => {
  beforeEach(() => localStorage.clear());

  it('keeps a valid name, trimmed, across page loads', () => {
    expect(TestBed.inject(IdentityStore).set('  Ann  ')).toBeNull();
    expect(localStorage.getItem('chat.displayName')).toBe('Ann');
    TestBed.resetTestingModule();
    expect(TestBed.inject(IdentityStore).name()).toBe('Ann');
  });

  it('refuses names the protocol refuses, with a reason', () => {
    const store = TestBed.inject(IdentityStore);
    expect(store.set('   ')).toMatch(/required/);
    expect(store.set('x'.repeat(AUTHOR_MAX + 1))).toMatch(/at most/);
    expect(store.set('a\nb')).toMatch(/control/);
    expect(store.name()).toBeNull();
  });

  it('signed in, the name comes from the token, never from what this browser kept', async () => {
    localStorage.setItem('chat.displayName', 'Ann');
    const auth = { mode: 'signed-in', issuer: 'https://id.example.com', clientId: 'chat-web' };
    const net = fakeFetch(() => ({ body: { maxUploadBytes: 1, imageTypes: [], protocolVersion: PROTOCOL_VERSION, auth } }));
    TestBed.configureTestingModule({ providers: [{ provide: FETCH, useValue: net.fetch }] });
    await TestBed.inject(RuntimeConfig).load('http://localhost/config.json');
    expect(TestBed.inject(RuntimeConfig).signedIn()).toBe(true);
    expect(TestBed.inject(IdentityStore).name()).toBeNull();
  });
});
