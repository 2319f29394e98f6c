import webpush from 'web-push';
import type { PushOutcome, PushSender } from '../chat/push-notifier';
import type { PushTarget } from '../ports';

/** How long a push service keeps a message for a browser that is offline: a chat notification is stale after a day. */
const TTL_SECONDS = 24 * 3600;

/**
 * Web Push with `web-push`'s RFC 8291 encryption (aes128gcm) and VAPID signature, sent with fetch: web-push's own
 * request speaks https only, and a push service on loopback (tests) is plain http.
 */
export class WebPushSender implements PushSender {
  constructor(
    private readonly vapid: { vapidPublicKey: string; vapidPrivateKey: string; subject: string },
    private readonly timeoutMs: number,
  ) {}

  async send(target: PushTarget, payload: string): Promise<PushOutcome> {
    const request = webpush.generateRequestDetails({ endpoint: target.endpoint, keys: target.keys }, payload, {
      vapidDetails: { subject: this.vapid.subject, publicKey: this.vapid.vapidPublicKey, privateKey: this.vapid.vapidPrivateKey },
      TTL: TTL_SECONDS,
      contentEncoding: 'aes128gcm',
    });
    const res = await fetch(request.endpoint, {
      method: request.method,
      headers: request.headers as Record<string, string>,
      ...(request.body ? { body: new Uint8Array(request.body) } : {}),
      signal: AbortSignal.timeout(this.timeoutMs),
    });
    await res.body?.cancel();
    if (res.status === 404 || res.status === 410) return 'gone';
    if (!res.ok) throw new Error(`the push service answered ${res.status}`);
    return 'sent';
  }
}
