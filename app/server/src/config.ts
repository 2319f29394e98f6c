import net from 'node:net';
import path from 'node:path';
import { z } from 'zod';
import { AUTH_MODES, DEFAULT_MAX_UPLOAD_BYTES, DEFAULT_REACTION_EMOJI, EMOJI_MAX } from '@chat/protocol';
import { DEFAULT_ROLE_RULES } from './auth/roles';
import { secureUrl } from './auth/secure-url';
import type { StoreCapacity } from './limits/store-budget';
import { SHORT_MESSAGE_WRITE_UNITS } from './limits/store-units';

/** Every setting the server reads, validated in this one place. A bad or missing value stops startup naming it. */

const REPO_ROOT = path.resolve(__dirname, '../../..');

const intSetting = (name: string, def: number, min: number, max: number) =>
  z
    .string()
    .regex(/^[0-9]+$/, `${name} must be a whole number`)
    .transform(Number)
    .pipe(z.number().int().min(min, `${name} must be at least ${min}`).max(max, `${name} must be at most ${max}`))
    .optional()
    .transform((v) => v ?? def);

const optionalIntSetting = (name: string, min: number, max: number) =>
  z
    .string()
    .regex(/^[0-9]+$/, `${name} must be a whole number`)
    .transform(Number)
    .pipe(z.number().int().min(min, `${name} must be at least ${min}`).max(max, `${name} must be at most ${max}`))
    .optional();

const optionalText = z
  .string()
  .optional()
  .transform((v) => (v && v.trim() !== '' ? v.trim() : undefined));

/** Comma-separated IP addresses and CIDRs. */
const addressList = (name: string) =>
  optionalText.transform((v, ctx) => {
    const entries = (v ?? '')
      .split(',')
      .map((a) => a.trim())
      .filter(Boolean);
    for (const a of entries) {
      if (!isAddressOrSubnet(a)) ctx.addIssue({ code: 'custom', message: `${name}: "${a}" is not an IP address or CIDR like 10.0.0.0/8` });
    }
    return entries;
  });

export const envSchema = z.object({
  PORT: intSetting('PORT', 3000, 0, 65535),
  HOST: optionalText.transform((v) => v ?? '127.0.0.1'),
  DATA_DIR: optionalText.transform((v) => path.resolve(v ?? path.join(REPO_ROOT, '.data'))),
  WEB_DIR: optionalText.transform((v) => path.resolve(v ?? path.join(REPO_ROOT, 'app/web/dist/browser'))),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).optional().default('info'),
  QUEUE_URL: optionalText.pipe(z.url({ message: 'QUEUE_URL must be a URL' }).optional()),
  TABLE_NAME: optionalText,
  UPLOADS_BUCKET: optionalText,
  AWS_REGION: optionalText,
  AWS_ENDPOINT_URL: optionalText.pipe(z.url({ message: 'AWS_ENDPOINT_URL must be a URL' }).optional()),
  DEAD_LETTER_QUEUE_URL: optionalText.pipe(z.url({ message: 'DEAD_LETTER_QUEUE_URL must be a URL' }).optional()),
  CORS_ORIGINS: optionalText.transform((v, ctx) => {
    const origins = (v ?? '')
      .split(',')
      .map((o) => o.trim())
      .filter(Boolean);
    for (const o of origins) {
      if (!/^https?:\/\/[^/]+$/.test(o)) {
        ctx.addIssue({ code: 'custom', message: `CORS_ORIGINS: "${o}" is not an origin like https://example.com` });
      }
    }
    return origins;
  }),
  PUBLIC_URL: optionalText.pipe(z.url({ message: 'PUBLIC_URL must be a URL' }).optional()),
  MAX_UPLOAD_BYTES: intSetting('MAX_UPLOAD_BYTES', DEFAULT_MAX_UPLOAD_BYTES, 1, 50 * 1024 * 1024),
  RATE_LIMIT_POINTS: intSetting('RATE_LIMIT_POINTS', 30, 1, 100_000),
  RATE_LIMIT_WINDOW_SECONDS: intSetting('RATE_LIMIT_WINDOW_SECONDS', 10, 1, 3600),
  HTTP_RATE_LIMIT_PER_MINUTE: intSetting('HTTP_RATE_LIMIT_PER_MINUTE', 600, 1, 1_000_000),
  TRUST_PROXY: intSetting('TRUST_PROXY', 0, 0, 10),
  // The front door (infra/README "Security"): proxies whose X-Forwarded-For counts, and CloudFront's secret header.
  TRUSTED_PROXIES: addressList('TRUSTED_PROXIES'),
  ORIGIN_SECRET: optionalText.transform((v, ctx) => {
    if (v === undefined) return [];
    const secrets = v.split(',').map((s) => s.trim());
    if (secrets.length > 2 || !secrets.every((s) => /^[A-Za-z0-9_-]{32,128}$/.test(s))) {
      ctx.addIssue({
        code: 'custom',
        message: 'ORIGIN_SECRET must be one value, or two separated by a comma while rotating, each 32-128 of A-Za-z0-9_-',
      });
    }
    return secrets;
  }),
  BACKEND_TIMEOUT_MS: intSetting('BACKEND_TIMEOUT_MS', 5000, 100, 60_000),
  // Unset: the queue's own long-poll wait (adapters/aws/table-shape.ts).
  SQS_WAIT_SECONDS: optionalIntSetting('SQS_WAIT_SECONDS', 1, 20),
  // The protocol promises at least 24 hours; longer costs only storage (one small id record per message).
  IDEMPOTENCY_WINDOW_HOURS: intSetting('IDEMPOTENCY_WINDOW_HOURS', 24, 24, 24 * 365),
  // Scale-out: several servers on one queue, Socket.IO's Redis streams adapter between them.
  REDIS_URL: optionalText.pipe(
    z
      .url({ message: 'REDIS_URL must be a URL like redis://host:6379 or rediss://host:6379 (TLS)' })
      .refine((u) => /^rediss?:\/\//.test(u), 'REDIS_URL must start with redis:// or rediss:// (TLS)')
      .optional(),
  ),
  // Limits against floods: every message costs an SQS send and a DynamoDB write, every presence read a round to
  // every server, every upload URL up to MAX_UPLOAD_BYTES of storage.
  SOCKETS_PER_ADDRESS: intSetting('SOCKETS_PER_ADDRESS', 40, 1, 100_000),
  // Unset: derived from the store budget (an address's share of the write units, in short messages).
  ADDRESS_RATE_LIMIT_POINTS: optionalIntSetting('ADDRESS_RATE_LIMIT_POINTS', 1, 1_000_000),
  // The history table's capacity, which the server spends as a budget (limits/store-budget.ts). The data stack's
  // default is 25 each, the always-free allowance; the stacks pass the table's own figures.
  STORE_WRITE_UNITS: optionalIntSetting('STORE_WRITE_UNITS', 1, 10_000_000),
  STORE_READ_UNITS: optionalIntSetting('STORE_READ_UNITS', 1, 10_000_000),
  STORE_ROOM_SHARE_PERCENT: intSetting('STORE_ROOM_SHARE_PERCENT', 50, 1, 100),
  STORE_ADDRESS_SHARE_PERCENT: intSetting('STORE_ADDRESS_SHARE_PERCENT', 25, 1, 100),
  // A burst may spend this many seconds' worth of capacity at once (DynamoDB's burst credit holds up to 300).
  STORE_BUDGET_WINDOW_SECONDS: intSetting('STORE_BUDGET_WINDOW_SECONDS', 10, 1, 3600),
  HISTORY_REQUESTS_PER_MINUTE: intSetting('HISTORY_REQUESTS_PER_MINUTE', 120, 1, 1_000_000),
  JOINS_PER_MINUTE: intSetting('JOINS_PER_MINUTE', 120, 1, 100_000),
  ROOMS_PER_SOCKET: intSetting('ROOMS_PER_SOCKET', 50, 1, 10_000),
  // A client sends `typing` at most every 2 s while typing, plus a stop: this leaves room for a few rooms.
  TYPING_LIMIT_POINTS: intSetting('TYPING_LIMIT_POINTS', 10, 1, 100_000),
  TYPING_LIMIT_WINDOW_SECONDS: intSetting('TYPING_LIMIT_WINDOW_SECONDS', 5, 1, 3600),
  PRESENCE_LIMIT_POINTS: intSetting('PRESENCE_LIMIT_POINTS', 20, 1, 100_000),
  PRESENCE_LIMIT_WINDOW_SECONDS: intSetting('PRESENCE_LIMIT_WINDOW_SECONDS', 10, 1, 3600),
  // The same events per client address (over the same windows), whatever number of sockets it opens: each typing
  // event, presence change and join fans out to a whole room.
  ADDRESS_TYPING_POINTS: intSetting('ADDRESS_TYPING_POINTS', 40, 1, 1_000_000),
  ADDRESS_PRESENCE_POINTS: intSetting('ADDRESS_PRESENCE_POINTS', 60, 1, 1_000_000),
  ADDRESS_JOINS_PER_MINUTE: intSetting('ADDRESS_JOINS_PER_MINUTE', 240, 1, 1_000_000),
  DELETE_LIMIT_POINTS: intSetting('DELETE_LIMIT_POINTS', 10, 1, 100_000),
  DELETE_LIMIT_WINDOW_SECONDS: intSetting('DELETE_LIMIT_WINDOW_SECONDS', 10, 1, 3600),
  EDIT_LIMIT_POINTS: intSetting('EDIT_LIMIT_POINTS', 10, 1, 100_000),
  EDIT_LIMIT_WINDOW_SECONDS: intSetting('EDIT_LIMIT_WINDOW_SECONDS', 10, 1, 3600),
  REACT_LIMIT_POINTS: intSetting('REACT_LIMIT_POINTS', 30, 1, 100_000),
  REACT_LIMIT_WINDOW_SECONDS: intSetting('REACT_LIMIT_WINDOW_SECONDS', 10, 1, 3600),
  // The reactions offered: a small fixed set keeps the count items small and the picker simple.
  REACTION_EMOJI: optionalText.transform((v, ctx) => {
    if (v === undefined) return [...DEFAULT_REACTION_EMOJI];
    const set = v
      .split(',')
      .map((x) => x.trim())
      .filter(Boolean);
    const bad = set.find((x) => x.length > EMOJI_MAX || /[\s#:]/.test(x));
    if (set.length === 0 || set.length > 20 || new Set(set).size !== set.length || bad !== undefined)
      ctx.addIssue({ code: 'custom', message: 'REACTION_EMOJI: 1-20 distinct emoji, comma-separated' });
    return set;
  }),
  MODERATOR_REQUESTS_PER_MINUTE: intSetting('MODERATOR_REQUESTS_PER_MINUTE', 30, 1, 100_000),
  UPLOAD_URLS_PER_HOUR: intSetting('UPLOAD_URLS_PER_HOUR', 120, 1, 1_000_000),
  // A message is at most a few KB: a larger frame is protocol abuse, and its socket is dropped.
  MAX_FRAME_BYTES: intSetting('MAX_FRAME_BYTES', 64 * 1024, 16 * 1024, 16 * 1024 * 1024),
  // New sockets (handshakes, recovered sessions included) per address per minute: a reconnect loop costs a handshake each.
  CONNECTIONS_PER_MINUTE: intSetting('CONNECTIONS_PER_MINUTE', 300, 1, 1_000_000),
  ABUSE_EXEMPT_ADDRESSES: addressList('ABUSE_EXEMPT_ADDRESSES'),
  READY_CACHE_MS: intSetting('READY_CACHE_MS', 5000, 0, 300_000),
  METRICS_TOKEN: optionalText.pipe(z.string().min(16, 'METRICS_TOKEN must be at least 16 characters').optional()),
  PENDING_UPLOAD_HOURS: intSetting('PENDING_UPLOAD_HOURS', 24, 1, 24 * 30),
  UPLOADS_QUOTA_BYTES: intSetting('UPLOADS_QUOTA_BYTES', 1024 * 1024 * 1024, 1024 * 1024, Number.MAX_SAFE_INTEGER),
  // Web Push (VAPID): all three or none; none disables push.
  VAPID_PUBLIC_KEY: optionalText.pipe(
    z
      .string()
      .regex(/^[A-Za-z0-9_-]{80,100}$/, 'VAPID_PUBLIC_KEY must be a base64url P-256 public key (npx web-push generate-vapid-keys)')
      .optional(),
  ),
  VAPID_PRIVATE_KEY: optionalText.pipe(
    z
      .string()
      .regex(/^[A-Za-z0-9_-]{40,50}$/, 'VAPID_PRIVATE_KEY must be a base64url P-256 private key')
      .optional(),
  ),
  VAPID_SUBJECT: optionalText.pipe(
    z
      .string()
      .regex(/^(mailto:|https:\/\/)\S+$/, 'VAPID_SUBJECT must be a mailto: or https: URL the push services can reach you at')
      .optional(),
  ),
  // Tests only: a push service on loopback without TLS.
  PUSH_ALLOW_HTTP: z.enum(['true', 'false'], { message: 'PUSH_ALLOW_HTTP must be true or false' }).default('false'),
  // Moderator deletes; unset disables them.
  ADMIN_TOKEN: optionalText.pipe(
    z
      .string()
      .min(16, 'ADMIN_TOKEN must be at least 16 characters (e.g. openssl rand -base64 32)')
      .max(512, 'ADMIN_TOKEN must be at most 512 characters')
      .regex(/^[\x21-\x7e]+$/, 'ADMIN_TOKEN must be printable ASCII without spaces (it travels in an HTTP header)')
      .optional(),
  ),
  // Who may use the chat: `open` (anyone, v1) or `signed-in` (OpenID Connect tokens from AUTH_ISSUER).
  AUTH_MODE: optionalText.pipe(z.enum(AUTH_MODES, { message: `AUTH_MODE must be one of ${AUTH_MODES.join(', ')}` }).optional()),
  AUTH_ISSUER: optionalText.transform((v, ctx) => {
    if (v === undefined) return undefined;
    try {
      // Kept as written: it must equal the tokens' `iss` exactly.
      secureUrl(v, 'AUTH_ISSUER');
      return v;
    } catch (err) {
      ctx.addIssue({ code: 'custom', message: (err as Error).message });
      return undefined;
    }
  }),
  AUTH_AUDIENCE: optionalText,
  AUTH_ROLES_CLAIM: optionalText.pipe(z.string().max(200, 'AUTH_ROLES_CLAIM must be at most 200 characters').optional()),
  AUTH_SCOPES: optionalText.pipe(
    z
      .string()
      .regex(/^[\x21-\x7e]+( [\x21-\x7e]+)*$/, 'AUTH_SCOPES must be scope names separated by single spaces')
      .refine((s) => s.split(' ').includes('openid'), 'AUTH_SCOPES must include openid')
      .optional(),
  ),
});

function isAddressOrSubnet(a: string): boolean {
  const [ip, bits, ...rest] = a.split('/');
  const family = net.isIP(ip ?? '');
  if (family === 0 || rest.length > 0) return false;
  if (bits === undefined) return true;
  return /^[0-9]{1,3}$/.test(bits) && Number(bits) <= (family === 4 ? 32 : 128);
}

type Env = z.output<typeof envSchema>;

/** The data stack's default capacity per direction: the always-free allowance. */
export const DEFAULT_STORE_UNITS = 25;

/**
 * Messages one address may send per message window by default: its share of the write capacity over that window, in
 * short messages (4 units each). 25 units/s × 10 s × 25 % ÷ 4 = 15.
 */
export function addressMessagePoints(capacity: StoreCapacity, windowSeconds: number): number {
  return Math.max(1, Math.floor((capacity.writeUnits * windowSeconds * capacity.addressSharePercent) / 100 / SHORT_MESSAGE_WRITE_UNITS));
}

export interface AwsSettings {
  queueUrl: string;
  tableName: string;
  uploadsBucket: string;
  region: string;
  endpoint: string | undefined;
  /** Only `npm run redrive` reads it; the server never touches the dead-letter queue. */
  deadLetterQueueUrl?: string | undefined;
}

/** `points` events per `windowSeconds`. */
export interface RateLimit {
  points: number;
  windowSeconds: number;
}

export interface Config {
  port: number;
  host: string;
  dataDir: string;
  webDir: string;
  logLevel: Env['LOG_LEVEL'];
  corsOrigins: string[];
  publicUrl: string | undefined;
  maxUploadBytes: number;
  /** Messages per socket per window. */
  rateLimit: RateLimit;
  /** Requests per client address per minute to the HTTP API (history, upload URLs, uploads). */
  httpRateLimitPerMinute: number;
  /**
   * Proxy hops in front of the server (CloudFront, a load balancer) whose X-Forwarded-For is trusted for the client
   * address; ignored once `trustedProxies` or `originSecrets` is set (transport/client-address.ts).
   */
  trustProxy: number;
  /** CIDRs of the proxies whose X-Forwarded-For counts (the load balancer's VPC). */
  trustedProxies: string[];
  /** Values of CloudFront's X-Origin-Secret header (two while rotating); empty: no front-door check. */
  originSecrets: string[];
  backendTimeoutMs: number;
  /** Long-poll wait of a receive; undefined: the queue's own. */
  sqsWaitSeconds: number | undefined;
  /** How long a message id is recognised as a retry (its id record's lifetime). */
  idempotencySeconds: number;
  /** Per client address and per socket limits against floods (transport/abuse-limits.ts, the socket concerns). */
  abuse: {
    socketsPerAddress: number;
    /** New sockets per address per minute. */
    connectionsPerMinute: number;
    /** Messages per address per `rateLimit.windowSeconds`, on top of the per-socket limit. */
    addressMessagePoints: number;
    /** `GET /history` requests per address per minute (besides the store budget's read share). */
    historyPerMinute: number;
    /** `join`s per socket per minute (and `leave`s, counted apart). */
    joinsPerMinute: number;
    /** Per client address, over the per-socket windows: `typing`; `identify` and `getPresence`; `join` and `leave`. */
    perAddress: { typingPoints: number; presencePoints: number; joinsPerMinute: number };
    /** Rooms one socket may be in at once. */
    roomsPerSocket: number;
    /** `typing` events per socket. */
    typing: RateLimit;
    /** `identify` and `getPresence` together, per socket. */
    presence: RateLimit;
    /** `deleteMessage`s per socket. */
    deletes: RateLimit;
    /** `editMessage`s per socket. */
    edits: RateLimit;
    /** `react`s per socket. */
    reactions: RateLimit;
    /** Moderator delete requests per client address per minute, counted before the token is checked. */
    moderatorRequestsPerMinute: number;
    uploadUrlsPerHour: number;
    /** Largest Socket.IO frame accepted; past it the socket is dropped. */
    maxFrameBytes: number;
    /** Addresses and CIDRs no per-address limit applies to (a load-test host); empty by default. */
    exempt: string[];
  };
  /** How long /readyz reuses its last answer, so a flood of it cannot become backend calls. */
  readyCacheMs: number;
  /** Bearer token that opens /metrics to non-loopback clients; unset: loopback only. */
  metricsToken: string | undefined;
  /** Uploaded images never sent in a message are deleted after this long. */
  pendingUploadHours: number;
  /** Embedded mode: the most bytes the uploads directory may hold. */
  uploadsQuotaBytes: number;
  /**
   * The table's capacity, spent as a budget before the queue or the table is touched. aws mode always has one (25/25
   * unless set); embedded mode only when STORE_WRITE_UNITS or STORE_READ_UNITS is set (SQLite has no capacity).
   */
  store: StoreCapacity | undefined;
  /** Present in aws mode; absent means embedded mode. */
  aws: AwsSettings | undefined;
  /** Set when several servers share the queue: their Socket.IO adapter's Redis. Absent: a single server. */
  redisUrl: string | undefined;
  /** Bearer token for moderator deletes (`DELETE /messages/:room/:seq`); undefined disables the route. */
  adminToken: string | undefined;
  /** The emoji `react` accepts, in the order clients show them. */
  reactionEmoji: string[];
  /** Web Push's VAPID keys and contact; undefined: push is off. */
  push: { vapidPublicKey: string; vapidPrivateKey: string; subject: string; allowHttp: boolean } | undefined;
  auth: AuthSettings;
}

/** `open`: anyone, as v1. `signed-in`: tokens of `issuer` for the client `audience` on every socket and API route. */
export type AuthSettings =
  | { mode: 'open' }
  | {
      mode: 'signed-in';
      /** The OpenID Connect issuer (its `iss`): https, or http on loopback. */
      issuer: string;
      /** The client id: ID tokens' `aud`, Cognito access tokens' `client_id`; also the browser's client id. */
      audience: string;
      /** The claim that holds a user's groups (admin, moderator). */
      rolesClaim: string;
      /** What the browser asks the issuer for. */
      scopes: string;
    };

export class ConfigError extends Error {
  override name = 'ConfigError';
}

const AWS_MODE_SETTINGS = ['QUEUE_URL', 'TABLE_NAME', 'UPLOADS_BUCKET'] as const;

/** aws mode needs all of its settings; a partial set is a mistake worth naming, not a silent fall back to embedded. */
function awsModeProblems(env: Record<string, string | undefined>): string[] {
  const set = (n: string) => (env[n] ?? '').trim() !== '';
  const given = AWS_MODE_SETTINGS.filter(set);
  if (given.length === 0) return [];
  const missing = [...AWS_MODE_SETTINGS, 'AWS_REGION'].filter((n) => !set(n));
  const problems = missing.length
    ? [`aws mode (${given.join(', ')} set) also needs ${missing.join(', ')}; unset all of them for embedded mode`]
    : [];
  if (set('QUEUE_URL') && !env['QUEUE_URL']!.trim().endsWith('.fifo')) problems.push('QUEUE_URL must name a FIFO queue (ending in .fifo)');
  return problems;
}

/** Signed-in mode needs its issuer and client id; either without the mode is a mistake worth naming. */
function authProblems(env: Record<string, string | undefined>): string[] {
  const set = (n: string) => (env[n] ?? '').trim() !== '';
  if ((env['AUTH_MODE'] ?? '').trim() === 'signed-in') {
    const missing = ['AUTH_ISSUER', 'AUTH_AUDIENCE'].filter((n) => !set(n));
    return missing.length ? [`AUTH_MODE=signed-in also needs ${missing.join(' and ')}`] : [];
  }
  const stray = ['AUTH_ISSUER', 'AUTH_AUDIENCE'].filter(set);
  return stray.length ? [`${stray.join(' and ')} set but AUTH_MODE is not signed-in: set AUTH_MODE=signed-in, or unset them`] : [];
}

export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const parsed = envSchema.safeParse(env);
  const problems = parsed.success
    ? []
    : parsed.error.issues.map((i) => {
        const name = String(i.path[0] ?? '');
        return i.message.startsWith(name) ? i.message : `${name}: ${i.message}`;
      });
  problems.push(...awsModeProblems(env));
  const vapid = ['VAPID_PUBLIC_KEY', 'VAPID_PRIVATE_KEY', 'VAPID_SUBJECT'].filter((n) => (env[n] ?? '').trim() !== '');
  if (vapid.length > 0 && vapid.length < 3)
    problems.push(`Web Push needs VAPID_PUBLIC_KEY, VAPID_PRIVATE_KEY and VAPID_SUBJECT (only ${vapid.join(', ')} set)`);
  if ((env['REDIS_URL'] ?? '').trim() !== '' && (env['QUEUE_URL'] ?? '').trim() === '') {
    problems.push('REDIS_URL needs aws mode: servers behind one load balancer share the SQS queue and the DynamoDB table');
  }
  problems.push(...authProblems(env));
  if (!parsed.success || problems.length > 0) throw new ConfigError(`Invalid configuration:\n  ${problems.join('\n  ')}`);
  const e = parsed.data;
  const aws: AwsSettings | undefined = e.QUEUE_URL
    ? {
        queueUrl: e.QUEUE_URL,
        tableName: e.TABLE_NAME!,
        uploadsBucket: e.UPLOADS_BUCKET!,
        region: e.AWS_REGION!,
        endpoint: e.AWS_ENDPOINT_URL,
        deadLetterQueueUrl: e.DEAD_LETTER_QUEUE_URL,
      }
    : undefined;
  const storeGiven = e.STORE_WRITE_UNITS !== undefined || e.STORE_READ_UNITS !== undefined;
  const capacity: StoreCapacity = {
    writeUnits: e.STORE_WRITE_UNITS ?? DEFAULT_STORE_UNITS,
    readUnits: e.STORE_READ_UNITS ?? DEFAULT_STORE_UNITS,
    roomSharePercent: e.STORE_ROOM_SHARE_PERCENT,
    addressSharePercent: e.STORE_ADDRESS_SHARE_PERCENT,
    windowSeconds: e.STORE_BUDGET_WINDOW_SECONDS,
  };
  return {
    port: e.PORT,
    host: e.HOST,
    dataDir: e.DATA_DIR,
    webDir: e.WEB_DIR,
    logLevel: e.LOG_LEVEL,
    corsOrigins: e.CORS_ORIGINS,
    publicUrl: e.PUBLIC_URL?.replace(/\/+$/, ''),
    maxUploadBytes: e.MAX_UPLOAD_BYTES,
    rateLimit: { points: e.RATE_LIMIT_POINTS, windowSeconds: e.RATE_LIMIT_WINDOW_SECONDS },
    httpRateLimitPerMinute: e.HTTP_RATE_LIMIT_PER_MINUTE,
    trustProxy: e.TRUST_PROXY,
    trustedProxies: e.TRUSTED_PROXIES,
    originSecrets: e.ORIGIN_SECRET,
    backendTimeoutMs: e.BACKEND_TIMEOUT_MS,
    sqsWaitSeconds: e.SQS_WAIT_SECONDS,
    idempotencySeconds: e.IDEMPOTENCY_WINDOW_HOURS * 3600,
    abuse: {
      socketsPerAddress: e.SOCKETS_PER_ADDRESS,
      connectionsPerMinute: e.CONNECTIONS_PER_MINUTE,
      addressMessagePoints: e.ADDRESS_RATE_LIMIT_POINTS ?? addressMessagePoints(capacity, e.RATE_LIMIT_WINDOW_SECONDS),
      historyPerMinute: e.HISTORY_REQUESTS_PER_MINUTE,
      joinsPerMinute: e.JOINS_PER_MINUTE,
      perAddress: {
        typingPoints: e.ADDRESS_TYPING_POINTS,
        presencePoints: e.ADDRESS_PRESENCE_POINTS,
        joinsPerMinute: e.ADDRESS_JOINS_PER_MINUTE,
      },
      roomsPerSocket: e.ROOMS_PER_SOCKET,
      typing: { points: e.TYPING_LIMIT_POINTS, windowSeconds: e.TYPING_LIMIT_WINDOW_SECONDS },
      presence: { points: e.PRESENCE_LIMIT_POINTS, windowSeconds: e.PRESENCE_LIMIT_WINDOW_SECONDS },
      deletes: { points: e.DELETE_LIMIT_POINTS, windowSeconds: e.DELETE_LIMIT_WINDOW_SECONDS },
      edits: { points: e.EDIT_LIMIT_POINTS, windowSeconds: e.EDIT_LIMIT_WINDOW_SECONDS },
      reactions: { points: e.REACT_LIMIT_POINTS, windowSeconds: e.REACT_LIMIT_WINDOW_SECONDS },
      moderatorRequestsPerMinute: e.MODERATOR_REQUESTS_PER_MINUTE,
      uploadUrlsPerHour: e.UPLOAD_URLS_PER_HOUR,
      maxFrameBytes: e.MAX_FRAME_BYTES,
      exempt: e.ABUSE_EXEMPT_ADDRESSES,
    },
    readyCacheMs: e.READY_CACHE_MS,
    metricsToken: e.METRICS_TOKEN,
    pendingUploadHours: e.PENDING_UPLOAD_HOURS,
    uploadsQuotaBytes: e.UPLOADS_QUOTA_BYTES,
    store: aws || storeGiven ? capacity : undefined,
    aws,
    redisUrl: e.REDIS_URL,
    adminToken: e.ADMIN_TOKEN,
    reactionEmoji: e.REACTION_EMOJI,
    push:
      e.VAPID_PUBLIC_KEY && e.VAPID_PRIVATE_KEY && e.VAPID_SUBJECT
        ? {
            vapidPublicKey: e.VAPID_PUBLIC_KEY,
            vapidPrivateKey: e.VAPID_PRIVATE_KEY,
            subject: e.VAPID_SUBJECT,
            allowHttp: e.PUSH_ALLOW_HTTP === 'true',
          }
        : undefined,
    auth:
      e.AUTH_MODE === 'signed-in'
        ? {
            mode: 'signed-in',
            issuer: e.AUTH_ISSUER!,
            audience: e.AUTH_AUDIENCE!,
            rolesClaim: e.AUTH_ROLES_CLAIM ?? DEFAULT_ROLE_RULES.claim,
            scopes: e.AUTH_SCOPES ?? 'openid profile email',
          }
        : { mode: 'open' },
  };
}
