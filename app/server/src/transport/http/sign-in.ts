import type { RequestHandler } from 'express';
import { AuthError, bearerToken, type Authenticator } from '../../auth';
import type { Logger } from '../../logger';
import { userOf } from '../sockets/sign-in';
import { sendError } from './errors';

/**
 * Signed-in mode's API routes: `Authorization: Bearer <token>` verified, its person in `res.locals.user`; without a
 * valid one 401 `unauthorized` (503 `unavailable` when the issuer cannot be asked).
 */
export function requireSignIn(authenticator: Authenticator, log: Logger): RequestHandler {
  return (req, res, next) => {
    const token = bearerToken(req.get('authorization'));
    authenticator.authenticate(token).then(
      (identity) => {
        res.locals['user'] = userOf(identity);
        next();
      },
      (err: unknown) => {
        res.set('Cache-Control', 'no-store');
        if (!(err instanceof AuthError)) {
          log.error({ err, path: req.path }, 'token check failed');
          return void sendError(res, { code: 'unavailable', message: 'sign-in could not be checked; try again' });
        }
        if (err.code === 'unauthorized') res.set('WWW-Authenticate', 'Bearer realm="chat"');
        sendError(res, { code: err.code, message: err.message });
      },
    );
  };
}
