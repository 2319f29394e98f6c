import type { OidcClient, SignedIn } from '../sign-in/oidc-client';

/** An ID token that is not a real one: the flow never reads it, it only passes it on. */
export const idToken = (n: number) => `id-token-${n}`;

export const signedIn = (n: number, lifetimeMs = 300_000, name = 'Carol'): SignedIn => ({
  idToken: idToken(n),
  expiresAt: Date.now() + lifetimeMs,
  name,
});

/** Stands in for oidc-client-ts at the provider boundary: tests decide what each call answers and see what was called. */
export class FakeOidcClient implements OidcClient {
  kept: SignedIn | null = null;
  /** What the next refreshes answer, in order; an Error is thrown. Empty: no refresh token (null). */
  refreshes: (SignedIn | Error | null)[] = [];
  redirectAnswer: { signedIn: SignedIn; returnTo: string } | Error | null = null;
  readonly calls: string[] = [];
  signedInTo: string[] = [];

  completeSignIn(url: string) {
    this.calls.push(`completeSignIn ${url}`);
    const a = this.redirectAnswer;
    return a instanceof Error || !a ? Promise.reject(a ?? new Error('no redirect expected')) : Promise.resolve(a);
  }
  current() {
    this.calls.push('current');
    return Promise.resolve(this.kept);
  }
  refresh() {
    this.calls.push('refresh');
    const next = this.refreshes.shift() ?? null;
    return next instanceof Error ? Promise.reject(next) : Promise.resolve(next);
  }
  signIn(returnTo: string) {
    this.signedInTo.push(returnTo);
    return Promise.resolve();
  }
  signOut() {
    this.calls.push('signOut');
    return Promise.resolve();
  }
}
