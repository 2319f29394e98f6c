import { AuthError, type AuthFailure } from '../../src/auth';

/** The verdict on a token: the refusal's reason, or `ok`; anything but an `AuthError` fails the test. */
export async function verdict(verify: Promise<unknown>): Promise<AuthFailure | 'ok'> {
  try {
    await verify;
    return 'ok';
  } catch (err) {
    if (err instanceof AuthError) return err.reason;
    throw err;
  }
}
