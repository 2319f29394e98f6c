/**
 * The loopback provider's pages: plain forms a browser test fills in by label, styled inline (oidc-provider's own
 * pages load a web font from the internet, which tests must never reach).
 */

const escape = (s: string) =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c);

function page(title: string, body: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escape(title)}</title>
<style>
  body { font: 16px system-ui, sans-serif; background: #f3f4f6; margin: 0; display: grid; place-items: center; min-height: 100vh; }
  main { background: #fff; padding: 2rem; border-radius: 8px; box-shadow: 0 1px 4px rgb(0 0 0 / 0.15); width: min(22rem, 90vw); }
  h1 { font-size: 1.25rem; margin: 0 0 1rem; }
  label { display: block; margin: 0.75rem 0 0.25rem; }
  input { width: 100%; box-sizing: border-box; padding: 0.5rem; font: inherit; }
  button { margin-top: 1.25rem; width: 100%; padding: 0.6rem; font: inherit; background: #2563eb; color: #fff; border: 0; border-radius: 4px; }
  .error { color: #b91c1c; }
  .note { color: #555; font-size: 0.85rem; margin-top: 1rem; }
</style>
</head>
<body><main>${body}</main></body>
</html>`;
}

export function loginPage(opts: { action: string; clientId: string; error?: string; username?: string }): string {
  return page(
    'Sign in',
    `<h1>Sign in to ${escape(opts.clientId)}</h1>
${opts.error ? `<p class="error" role="alert">${escape(opts.error)}</p>` : ''}
<form method="post" action="${escape(opts.action)}">
  <label for="username">User name</label>
  <input id="username" name="username" autocomplete="username" autofocus required value="${escape(opts.username ?? '')}">
  <label for="password">Password</label>
  <input id="password" name="password" type="password" autocomplete="current-password" required>
  <button type="submit">Sign in</button>
</form>
<p class="note">Loopback test provider: test users only.</p>`,
  );
}

/**
 * RP-initiated logout signs out at once, as Cognito's logout endpoint does: the form oidc-provider hands over (with
 * its anti-forgery field) gets the "yes" answer and submits itself; the button is there without scripts.
 */
export function logoutPage(form: string): string {
  const confirmed = form.replace('</form>', '<input type="hidden" name="logout" value="yes"/></form>');
  return page(
    'Signing out',
    `<h1>Signing out…</h1>
${confirmed}
<button type="submit" form="op.logoutForm">Sign out</button>
<script>document.getElementById('op.logoutForm').submit()</script>`,
  );
}

export function signedOutPage(): string {
  return page('Signed out', '<h1>You are signed out.</h1>');
}

export function errorPage(fields: object): string {
  const lines = Object.entries(fields)
    .map(([k, v]) => `<p><strong>${escape(k)}</strong>: ${escape(String(v))}</p>`)
    .join('\n');
  return page('Sign-in error', `<h1>Something went wrong</h1>\n${lines}`);
}
