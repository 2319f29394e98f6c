import type { ErrorBody } from '@chat/protocol';

/** Why a delete was refused, for the person who asked. */
export function describeDeleteFailure(error: ErrorBody): string {
  switch (error.code) {
    case 'forbidden':
      return 'Only the browser that sent this message can delete it';
    case 'not_found':
      return 'That message no longer exists';
    case 'rate_limited':
      return 'Too many deletes: wait a moment, then try again';
    default:
      return error.message || 'Could not delete the message';
  }
}

export function describeFailure(error: ErrorBody): string {
  switch (error.code) {
    case 'rate_limited':
      return 'Too many messages: wait a moment, then retry';
    case 'too_large':
      return `Too long: ${error.message}`;
    case 'unavailable':
      return error.message || 'The server is unavailable';
    case 'invalid':
      return `Not accepted: ${error.message}`;
    default:
      return error.message || 'Not sent';
  }
}
