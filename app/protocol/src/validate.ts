import { z } from 'zod';
import type { ErrorBody } from './schemas';

export type Parsed<T> = { ok: true; value: T } | { ok: false; error: ErrorBody };

/** Validate with a schema and turn the first issue into a protocol error: `too_large` for length limits, else `invalid`. */
export function parseWith<S extends z.ZodType>(schema: S, input: unknown): Parsed<z.output<S>> {
  const result = schema.safeParse(input);
  if (result.success) return { ok: true, value: result.data };
  const issue = result.error.issues[0];
  const tooLarge =
    issue !== undefined &&
    ((issue.code === 'too_big' && issue.origin === 'string') ||
      (issue.code === 'custom' && (issue.params as { tooLarge?: boolean } | undefined)?.tooLarge === true));
  const path = issue?.path.join('.') ?? '';
  const message = !issue ? 'invalid input' : path && !issue.message.startsWith(`${path}:`) ? `${path}: ${issue.message}` : issue.message;
  return { ok: false, error: { code: tooLarge ? 'too_large' : 'invalid', message } };
}
