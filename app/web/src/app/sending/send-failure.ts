import type { ErrorBody } from '@chat/protocol';

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
