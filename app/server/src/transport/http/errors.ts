import type { ErrorRequestHandler, RequestHandler, Response } from 'express';
import type { ErrorBody } from '@chat/protocol';
import type { Logger } from '../../logger';
import { TimeoutError } from '../../util/timeout';

const STATUS: Partial<Record<ErrorBody['code'], number>> = {
  too_large: 413,
  unavailable: 503,
  not_found: 404,
  rate_limited: 429,
  unauthorized: 401,
  forbidden: 403,
};

/** An error body with the HTTP status its code stands for (400 for the rest). */
export const sendError = (res: Response, error: ErrorBody) => res.status(STATUS[error.code] ?? 400).json({ error });

/** What no route answered. */
export const notFound: RequestHandler = (_req, res) => {
  sendError(res, { code: 'not_found', message: 'not found' });
};

/** A failed request's answer: a backend's failure is `unavailable`; the request's own fault keeps its 4xx. */
export function errorHandler(log: Logger): ErrorRequestHandler {
  return (err, req, res, _next) => {
    if (res.headersSent || req.destroyed) return void res.end();
    if (err instanceof TimeoutError) {
      log.warn({ err, path: req.path }, 'backend timeout');
      return void sendError(res, { code: 'unavailable', message: 'the chat backend is not answering; try again' });
    }
    // Errors Express and its middleware raise for the request itself (bad JSON, a file gone) keep their status, with
    // a generic body: their messages can name files on the server. The detail goes to the log.
    const status = (err as { status?: number; statusCode?: number }).status ?? (err as { statusCode?: number }).statusCode;
    if (status && status >= 400 && status < 500) {
      log.info({ err, path: req.path, status }, 'request refused');
      const error: ErrorBody = status === 404 ? { code: 'not_found', message: 'not found' } : { code: 'invalid', message: 'bad request' };
      return void res.status(status).json({ error });
    }
    log.error({ err, path: req.path }, 'request failed');
    // A backend error (throttling, network) is the backend's unavailability, not the client's fault.
    sendError(res, { code: 'unavailable', message: 'the chat backend failed; try again' });
  };
}
