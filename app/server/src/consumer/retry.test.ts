import pino from 'pino';
import { UnwritableMessage } from '../ports';
import { TimeoutError } from '../util/timeout';
import { isPermanent, RetryPolicy, Stopped } from './retry';

const awsError = (name: string, fault: 'client' | 'server', message = name) => Object.assign(new Error(message), { name, $fault: fault });
const log = pino({ level: 'silent' });

describe('retry policy', () => {
  test('only a message that can never be written is permanent', () => {
    expect(isPermanent(new UnwritableMessage('too large'))).toBe(true);
    expect(isPermanent(awsError('ValidationException', 'client', 'Item size has exceeded the maximum allowed size'))).toBe(true);
    for (const transient of [
      awsError('ThrottlingException', 'client'),
      awsError('ProvisionedThroughputExceededException', 'client'),
      awsError('ExpiredTokenException', 'client'),
      awsError('UnrecognizedClientException', 'client'),
      awsError('CredentialsProviderError', 'client'),
      awsError('AccessDeniedException', 'client'),
      awsError('ResourceNotFoundException', 'client'),
      awsError('InternalServerError', 'server'),
      awsError('ServiceUnavailable', 'server'),
      awsError('TransactionCanceledException', 'client', 'Transaction cancelled [TransactionConflict]'),
      new TimeoutError('history did not answer'),
      Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED' }),
    ]) {
      expect([transient.name, isPermanent(transient)]).toEqual([transient.name, false]);
    }
  });

  test('transient failures are retried until they heal', async () => {
    const policy = new RetryPolicy(new AbortController().signal, log, { baseMs: 1, capMs: 5 });
    let calls = 0;
    const result = await policy.run('write', async () => {
      if (++calls < 20) throw awsError('ExpiredTokenException', 'client');
      return 'ok';
    });
    expect(result).toBe('ok');
    expect(calls).toBe(20);
  });

  test('a permanent failure is thrown at once; stopping ends the retries with Stopped', async () => {
    const stop = new AbortController();
    const policy = new RetryPolicy(stop.signal, log, { baseMs: 1, capMs: 5 });
    let calls = 0;
    await expect(
      policy.run('write', async () => {
        calls++;
        throw new UnwritableMessage('no');
      }),
    ).rejects.toBeInstanceOf(UnwritableMessage);
    expect(calls).toBe(1);
    const forever = policy.run('write', async () => {
      throw awsError('ThrottlingException', 'client');
    });
    setTimeout(() => stop.abort(), 20);
    await expect(forever).rejects.toBeInstanceOf(Stopped);
  });
});
