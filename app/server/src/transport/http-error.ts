import type { Response } from 'express';
import type { ErrorBody } from '@chat/protocol';

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
