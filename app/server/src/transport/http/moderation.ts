import express from 'express';
import type { ModeratorDeleteResponse } from '@chat/protocol';
import type { Config } from '../../config';
import type { DeleteMessage } from '../../chat/delete-message';
import type { AddressLimits } from '../abuse-limits';
import { clientAddress } from '../client-address';
import { limitedBy } from './rate-limit';
import { sendError } from './errors';
import { tokenMatches } from '../../util/token-matches';

/**
 * `DELETE /messages/:room/:seq` with `Authorization: Bearer <ADMIN_TOKEN>`: a moderator deletes any message. Requests
 * are limited per client address before the token is checked, so guessing it is as slow as that limit.
 */
export function moderatorRoutes(config: Config, deletes: DeleteMessage, limits: AddressLimits): express.Router {
  const router = express.Router();
  const perMinute = config.abuse.moderatorRequestsPerMinute;
  const limit = limitedBy(
    limits.perAddress('moderator', perMinute, 60, false),
    (req) => clientAddress(req, config),
    `${perMinute} requests per minute`,
  );
  router.delete('/messages/:room/:seq', limit, async (req, res, next) => {
    res.set('Cache-Control', 'no-store');
    if (config.adminToken === undefined) {
      return void sendError(res, { code: 'not_found', message: 'moderator deletes are disabled (ADMIN_TOKEN is not set)' });
    }
    const bearer = /^Bearer +(\S+) *$/i.exec(req.get('authorization') ?? '')?.[1];
    if (bearer === undefined) {
      res.set('WWW-Authenticate', 'Bearer realm="chat moderation"');
      return void sendError(res, { code: 'unauthorized', message: 'Authorization: Bearer <ADMIN_TOKEN> required' });
    }
    if (!tokenMatches(bearer, config.adminToken)) return void sendError(res, { code: 'forbidden', message: 'wrong token' });
    try {
      const result = await deletes.byModerator(req.params['room'], req.params['seq']);
      if (!result.ok) return void sendError(res, result.error);
      const body: ModeratorDeleteResponse = { ok: true, room: result.room, seq: result.seq };
      res.json(body);
    } catch (err) {
      next(err);
    }
  });
  return router;
}
