import type { ExtendedError } from 'socket.io';
import { authenticateSchema, parseWith, type AuthenticateAck, type AuthenticateInput, type Session } from '@chat/protocol';
import { AuthError, type Authenticator, type Identity } from '../../auth';
import type { Logger } from '../../logger';
import type { SignedInUser, SocketData } from './identity';
import { limitedHandler, perKey } from './limited-handler';
import type { ChatSocket, SocketConcern } from './socket-server';

/** A token is refreshed once per lifetime (minutes); this leaves room for retries, not for a flood of verifications. */
const AUTHENTICATE_PER_MINUTE = 10;
/** setTimeout's ceiling (~24.8 days): a longer wait would fire at once. */
const MAX_TIMER_MS = 2 ** 31 - 1;

export const userOf = (identity: Identity): SignedInUser => ({
  id: identity.id,
  name: identity.name,
  tag: identity.tag,
  roles: [...identity.roles],
  expiresAt: identity.expiresAt,
});

/**
 * The token's person for a socket's session, which ends at the token's `exp` by this server's clock: the verifier's
 * tolerance for clock differences does not extend it, or a socket signed out at expiry would be let straight back in
 * with the same token, and out again, in a loop.
 */
async function sessionUser(authenticator: Authenticator, token: unknown): Promise<SignedInUser> {
  const user = userOf(await authenticator.authenticate(token));
  if (user.expiresAt <= Date.now()) throw new AuthError('expired');
  return user;
}

const sessionOf = (user: SignedInUser): Session => ({
  user: { id: user.id, name: user.name, roles: user.roles },
  expiresAt: new Date(user.expiresAt).toISOString(),
});

/** The identity a token proves becomes the socket's: presence, typing and every message use it, whatever the client says. */
function adopt(data: SocketData, user: SignedInUser): void {
  data.user = user;
  data.clientId = user.id;
  data.author = user.name;
  data.identifiedAt = Date.now();
}

const refusalOf = (err: unknown): ExtendedError => {
  const e: ExtendedError = new Error(err instanceof AuthError ? err.message : 'sign-in could not be checked; try again');
  e.data = { code: err instanceof AuthError ? err.code : 'unavailable', message: e.message };
  return e;
};

/**
 * Signed-in mode's sockets: the handshake's `auth.token` is verified (refused: `connect_error` with `data.code`
 * `unauthorized`, or `unavailable` when the issuer cannot be asked), `session` tells the socket who it is,
 * `authenticate` takes a fresh token, and a socket whose token runs out first gets `signedOut` and is disconnected.
 * Open mode: `authenticate` answers `invalid`, nothing else changes.
 */
export function signIn(deps: { authenticator: Authenticator | undefined; log: Logger }): SocketConcern {
  const { authenticator, log } = deps;
  const budget = perKey(AUTHENTICATE_PER_MINUTE, 60, 'authenticate requests');
  const timers = new Map<string, NodeJS.Timeout>();

  const expireAt = (socket: ChatSocket, at: number) => {
    clearTimeout(timers.get(socket.id));
    const timer = setTimeout(
      () => {
        if (Date.now() < at) return expireAt(socket, at);
        timers.delete(socket.id);
        socket.emit('signedOut', {
          reason: 'token_expired',
          message: 'Your sign-in has expired: refresh the token and reconnect, or sign in again.',
        });
        log.debug({ socket: socket.id }, 'socket signed out: token expired');
        socket.disconnect(true);
      },
      Math.min(MAX_TIMER_MS, Math.max(0, at - Date.now())),
    );
    timer.unref();
    timers.set(socket.id, timer);
  };

  return {
    admit: authenticator
      ? (socket, next) => {
          const token = (socket.handshake.auth as { token?: unknown } | undefined)?.token;
          sessionUser(authenticator, token).then(
            (user) => {
              adopt(socket.data, user);
              next();
            },
            (err: unknown) => {
              if (!(err instanceof AuthError)) log.error({ err }, 'token check failed');
              next(refusalOf(err));
            },
          );
        }
      : undefined,

    connected: (socket) => {
      const data = socket.data;
      socket.on(
        'authenticate',
        limitedHandler<AuthenticateInput, AuthenticateAck>({
          parse: (payload) => parseWith(authenticateSchema, payload),
          refuse: () => (authenticator ? undefined : { code: 'invalid', message: 'sign-in is off on this server (AUTH_MODE=open)' }),
          budgets: [budget(socket.id)],
          handle: async ({ token }, reply) => {
            try {
              const user = await sessionUser(authenticator!, token);
              if (data.user && user.id !== data.user.id) {
                return reply({
                  ok: false,
                  error: { code: 'forbidden', message: 'a token of another person: reconnect to change who is signed in' },
                });
              }
              adopt(data, user);
              expireAt(socket, user.expiresAt);
              const session = sessionOf(user);
              reply({ ok: true, ...session });
              socket.emit('session', session);
            } catch (err) {
              if (!(err instanceof AuthError)) log.error({ err }, 'token check failed');
              const refused = refusalOf(err).data as { code: 'unauthorized' | 'unavailable'; message: string };
              reply({ ok: false, error: refused });
            }
          },
        }),
      );
      if (!authenticator) return;
      socket.on('disconnect', () => {
        clearTimeout(timers.get(socket.id));
        timers.delete(socket.id);
      });
      // Signed in, sessions are never recovered (socket-server.ts): every socket passed the token check.
      const user = data.user;
      if (!user) return void socket.disconnect(true);
      expireAt(socket, user.expiresAt);
      socket.emit('session', sessionOf(user));
    },

    close: () => {
      for (const t of timers.values()) clearTimeout(t);
      timers.clear();
    },
  };
}
