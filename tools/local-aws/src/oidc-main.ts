/**
 * The loopback OpenID Connect provider for local development: `npm run oidc -w tools/local-aws`, then point the
 * chat's AUTH_ISSUER and AUTH_AUDIENCE at what it prints. OIDC_PORT (default 9400) and OIDC_REDIRECT_URIS
 * (comma-separated, default the chat's http://127.0.0.1:3000/) configure it; Ctrl-C stops it.
 */
import { startOidcProvider, TEST_PASSWORD } from './index';

/** Invisible format characters (one test user's name has a bidi override) as escapes, not as a flipped terminal line. */
const visible = (s: string) => s.replace(/\p{Cf}/gu, (c) => `\\u${c.codePointAt(0)!.toString(16).toUpperCase()}`);

async function main() {
  const port = Number(process.env['OIDC_PORT'] ?? 9400);
  const redirectUris = (process.env['OIDC_REDIRECT_URIS'] ?? 'http://127.0.0.1:3000/').split(',').map((u) => u.trim());
  const provider = await startOidcProvider({ port, redirectUris, postLogoutRedirectUris: redirectUris });
  console.log(`OpenID Connect provider on loopback
  issuer (AUTH_ISSUER):      ${provider.issuer}
  client id (AUTH_AUDIENCE): ${provider.clientId}
  redirect URIs:             ${redirectUris.join(', ')}
  users (password "${TEST_PASSWORD}"):
${provider.users.map((u) => `    ${u.username.padEnd(8)} ${u.name === undefined ? '(no name)' : visible(u.name)}${u.groups.length ? `  [${u.groups.join(', ')}]` : ''}`).join('\n')}`);
  const stop = () => void provider.stop().then(() => process.exit(0));
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((err: Error) => {
  console.error(err.message);
  process.exit(1);
});
