import { TestBed } from '@angular/core/testing';
import { AUTHOR_MAX } from '@chat/protocol';
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
});
