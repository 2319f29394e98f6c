import type { Adapter, AdapterPayload } from 'oidc-provider';

/**
 * oidc-provider's storage (sessions, grants, codes, refresh tokens) in one Map that outlives a provider instance: the
 * loopback provider is rebuilt to rotate keys or change its client, and sessions and refresh tokens must survive
 * that as they survive a real provider's key rotation. Test-sized: look-ups by uid or grant scan the Map.
 */
export function memoryStore(): (model: string) => Adapter {
  const entries = new Map<string, { payload: AdapterPayload; expiresAt: number }>();
  const live = (key: string) => {
    const entry = entries.get(key);
    if (entry && entry.expiresAt <= Date.now()) entries.delete(key);
    return entries.get(key)?.payload;
  };
  const find = (predicate: (p: AdapterPayload) => boolean, prefix: string) => {
    for (const key of entries.keys()) {
      const payload = key.startsWith(prefix) ? live(key) : undefined;
      if (payload && predicate(payload)) return payload;
    }
    return undefined;
  };
  return (model) => ({
    async upsert(id, payload, expiresIn) {
      entries.set(`${model}:${id}`, { payload, expiresAt: expiresIn ? Date.now() + expiresIn * 1000 : Infinity });
    },
    async find(id) {
      return live(`${model}:${id}`);
    },
    async findByUid(uid) {
      return find((p) => p.uid === uid, `${model}:`);
    },
    async findByUserCode(userCode) {
      return find((p) => p.userCode === userCode, `${model}:`);
    },
    async consume(id) {
      const payload = live(`${model}:${id}`);
      if (payload) payload.consumed = Math.floor(Date.now() / 1000);
    },
    async destroy(id) {
      entries.delete(`${model}:${id}`);
    },
    async revokeByGrantId(grantId) {
      for (const [key, { payload }] of entries) if (payload.grantId === grantId) entries.delete(key);
    },
  });
}
