import { ConfigError, loadConfig } from './config';

const AWS = { QUEUE_URL: 'https://sqs.eu-west-1.amazonaws.com/1/chat.fifo', TABLE_NAME: 't', UPLOADS_BUCKET: 'b', AWS_REGION: 'eu-west-1' };

describe('loadConfig', () => {
  test('no settings: embedded mode on 127.0.0.1:3000 with safe defaults', () => {
    const c = loadConfig({});
    expect(c).toMatchObject({ port: 3000, host: '127.0.0.1', aws: undefined, corsOrigins: [], maxUploadBytes: 5 * 1024 * 1024 });
    // The long-poll wait is the queue's own unless set.
    expect(c.sqsWaitSeconds).toBeUndefined();
    expect(loadConfig({ SQS_WAIT_SECONDS: '2' }).sqsWaitSeconds).toBe(2);
  });

  test('ADMIN_TOKEN: unset disables moderation; set, it is kept as given (trimmed)', () => {
    expect(loadConfig({}).adminToken).toBeUndefined();
    expect(loadConfig({ ADMIN_TOKEN: ' x'.padEnd(40, 'y') + ' ' }).adminToken).toBe('x'.padEnd(39, 'y'));
  });

  test('AUTH_MODE: open unless signed-in is asked for, which takes the issuer, the client id and the roles claim', () => {
    expect(loadConfig({}).auth).toEqual({ mode: 'open' });
    expect(loadConfig({ AUTH_MODE: 'open' }).auth).toEqual({ mode: 'open' });
    const signedIn = {
      AUTH_MODE: 'signed-in',
      AUTH_ISSUER: 'https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_abc',
      AUTH_AUDIENCE: 'web',
    };
    expect(loadConfig(signedIn).auth).toEqual({
      mode: 'signed-in',
      issuer: signedIn.AUTH_ISSUER,
      audience: 'web',
      rolesClaim: 'cognito:groups',
      scopes: 'openid profile email',
    });
    expect(loadConfig({ ...signedIn, AUTH_ROLES_CLAIM: 'realm_access.roles', AUTH_SCOPES: 'openid email' }).auth).toMatchObject({
      rolesClaim: 'realm_access.roles',
      scopes: 'openid email',
    });
    // Tests run their issuer on loopback over plain http.
    expect(loadConfig({ ...signedIn, AUTH_ISSUER: 'http://127.0.0.1:4100' }).auth).toMatchObject({ issuer: 'http://127.0.0.1:4100' });
  });

  test('all aws settings: aws mode', () => {
    const c = loadConfig({
      QUEUE_URL: 'https://sqs.eu-west-1.amazonaws.com/1/chat.fifo',
      TABLE_NAME: 't',
      UPLOADS_BUCKET: 'b',
      AWS_REGION: 'eu-west-1',
    });
    expect(c.aws).toEqual({
      queueUrl: 'https://sqs.eu-west-1.amazonaws.com/1/chat.fifo',
      tableName: 't',
      uploadsBucket: 'b',
      region: 'eu-west-1',
      endpoint: undefined,
    });
  });

  test('REDIS_URL (redis:// or rediss:// for TLS) selects scale-out; unset, a single server', () => {
    expect(loadConfig(AWS).redisUrl).toBeUndefined();
    expect(loadConfig({ ...AWS, REDIS_URL: 'redis://127.0.0.1:6379' }).redisUrl).toBe('redis://127.0.0.1:6379');
    expect(loadConfig({ ...AWS, REDIS_URL: 'rediss://master.chat.cache.amazonaws.com:6379' }).redisUrl).toBe(
      'rediss://master.chat.cache.amazonaws.com:6379',
    );
  });

  test('operations settings: limits per address on, no exemption, a readiness cache, metrics on loopback only', () => {
    expect(loadConfig({})).toMatchObject({
      abuse: {
        socketsPerAddress: 40,
        addressMessagePoints: 15,
        historyPerMinute: 120,
        joinsPerMinute: 120,
        uploadUrlsPerHour: 120,
        exempt: [],
      },
      readyCacheMs: 5000,
      metricsToken: undefined,
      pendingUploadHours: 24,
      uploadsQuotaBytes: 1024 * 1024 * 1024,
    });
    expect(loadConfig({ ABUSE_EXEMPT_ADDRESSES: '127.0.0.1, ::1 ,10.1.0.0/16' }).abuse.exempt).toEqual(['127.0.0.1', '::1', '10.1.0.0/16']);
  });

  test('the store budget: 25/25 units in aws mode unless set, none in embedded mode unless set', () => {
    const capacity = { writeUnits: 25, readUnits: 25, roomSharePercent: 50, addressSharePercent: 25, windowSeconds: 10 };
    expect(loadConfig(AWS).store).toEqual(capacity);
    expect(loadConfig({}).store).toBeUndefined();
    expect(loadConfig({ STORE_WRITE_UNITS: '100' }).store).toEqual({ ...capacity, writeUnits: 100 });
    expect(loadConfig({ ...AWS, STORE_READ_UNITS: '5', STORE_ROOM_SHARE_PERCENT: '20' }).store).toEqual({
      ...capacity,
      readUnits: 5,
      roomSharePercent: 20,
    });
  });

  test('the per-address message budget derives from the write budget unless set', () => {
    // 25 units/s × 10 s × 25 % ÷ 4 units a short message.
    expect(loadConfig({}).abuse.addressMessagePoints).toBe(15);
    expect(loadConfig({ STORE_WRITE_UNITS: '100' }).abuse.addressMessagePoints).toBe(62);
    expect(loadConfig({ STORE_WRITE_UNITS: '100', STORE_ADDRESS_SHARE_PERCENT: '50' }).abuse.addressMessagePoints).toBe(125);
    expect(loadConfig({ ADDRESS_RATE_LIMIT_POINTS: '60' }).abuse.addressMessagePoints).toBe(60);
  });

  test('the front door: no trusted proxy and no origin secret by default; two secrets while rotating', () => {
    expect(loadConfig({})).toMatchObject({ trustedProxies: [], originSecrets: [], abuse: { connectionsPerMinute: 300 } });
    const a = 'A'.repeat(32);
    const b = 'b_-'.repeat(20);
    expect(loadConfig({ TRUSTED_PROXIES: '10.42.0.0/16', ORIGIN_SECRET: `${a}, ${b}` })).toMatchObject({
      trustedProxies: ['10.42.0.0/16'],
      originSecrets: [a, b],
    });
  });

  test('every socket and moderation limit is a setting, each pair of points and window read together', () => {
    expect(loadConfig({}).abuse).toMatchObject({
      roomsPerSocket: 50,
      typing: { points: 10, windowSeconds: 5 },
      presence: { points: 20, windowSeconds: 10 },
      deletes: { points: 10, windowSeconds: 10 },
      moderatorRequestsPerMinute: 30,
      maxFrameBytes: 64 * 1024,
    });
    const c = loadConfig({ TYPING_LIMIT_POINTS: '3', TYPING_LIMIT_WINDOW_SECONDS: '7', DELETE_LIMIT_POINTS: '1', ROOMS_PER_SOCKET: '2' });
    expect(c.abuse).toMatchObject({
      typing: { points: 3, windowSeconds: 7 },
      deletes: { points: 1, windowSeconds: 10 },
      roomsPerSocket: 2,
    });
  });

  test('Web Push needs all three VAPID settings, or none', () => {
    expect(loadConfig({}).push).toBeUndefined();
    const keys = { VAPID_PUBLIC_KEY: 'B'.repeat(87), VAPID_PRIVATE_KEY: 'k'.repeat(43), VAPID_SUBJECT: 'mailto:ops@example.com' };
    expect(loadConfig(keys).push).toEqual({
      vapidPublicKey: keys.VAPID_PUBLIC_KEY,
      vapidPrivateKey: keys.VAPID_PRIVATE_KEY,
      subject: keys.VAPID_SUBJECT,
      allowHttp: false,
    });
    expect(() => loadConfig({ VAPID_PUBLIC_KEY: keys.VAPID_PUBLIC_KEY })).toThrow(
      /Web Push needs VAPID_PUBLIC_KEY, VAPID_PRIVATE_KEY and VAPID_SUBJECT/,
    );
    expect(() => loadConfig({ ...keys, VAPID_SUBJECT: 'ops@example.com' })).toThrow(/VAPID_SUBJECT must be a mailto: or https: URL/);
  });

  test('edit and reaction limits and the reaction set have defaults, and a bad set is named', () => {
    const d = loadConfig({});
    expect(d.abuse).toMatchObject({ edits: { points: 10, windowSeconds: 10 }, reactions: { points: 30, windowSeconds: 10 } });
    expect(d.reactionEmoji).toEqual(['👍', '❤️', '😂', '🎉', '😮', '😢']);
    expect(loadConfig({ REACTION_EMOJI: ' 👍 , 🚀 ' }).reactionEmoji).toEqual(['👍', '🚀']);
    for (const bad of ['👍,👍', 'a b', 'x#y', ',', Array.from({ length: 21 }, (_, i) => `e${i}`).join(',')])
      expect(() => loadConfig({ REACTION_EMOJI: bad })).toThrow(/REACTION_EMOJI: 1-20 distinct emoji/);
  });

  test.each([
    [{ PORT: 'eighty' }, /PORT must be a whole number/],
    [{ PORT: '70000' }, /PORT must be at most 65535/],
    [{ QUEUE_URL: 'https://sqs.x/1/q.fifo' }, /also needs TABLE_NAME, UPLOADS_BUCKET, AWS_REGION/],
    [{ QUEUE_URL: 'https://sqs.x/1/q', TABLE_NAME: 't', UPLOADS_BUCKET: 'b', AWS_REGION: 'r' }, /FIFO/],
    [{ CORS_ORIGINS: 'https://ok.example, not-an-origin' }, /CORS_ORIGINS: "not-an-origin"/],
    [{ LOG_LEVEL: 'loud' }, /LOG_LEVEL/],
    [{ MAX_UPLOAD_BYTES: '0' }, /MAX_UPLOAD_BYTES must be at least 1/],
    [{ STORE_WRITE_UNITS: '0' }, /STORE_WRITE_UNITS must be at least 1/],
    [{ STORE_READ_UNITS: 'lots' }, /STORE_READ_UNITS must be a whole number/],
    [{ STORE_ROOM_SHARE_PERCENT: '101' }, /STORE_ROOM_SHARE_PERCENT must be at most 100/],
    [{ ...AWS, REDIS_URL: 'http://cache:6379' }, /REDIS_URL must start with redis:\/\/ or rediss:\/\//],
    [{ ...AWS, REDIS_URL: 'not a url' }, /REDIS_URL must be a URL/],
    [{ REDIS_URL: 'redis://127.0.0.1:6379' }, /REDIS_URL needs aws mode/],
    [{ SOCKETS_PER_ADDRESS: '0' }, /SOCKETS_PER_ADDRESS must be at least 1/],
    [{ ADDRESS_RATE_LIMIT_POINTS: 'lots' }, /ADDRESS_RATE_LIMIT_POINTS must be a whole number/],
    [{ JOINS_PER_MINUTE: '0' }, /JOINS_PER_MINUTE must be at least 1/],
    [{ UPLOAD_URLS_PER_HOUR: '-1' }, /UPLOAD_URLS_PER_HOUR must be a whole number/],
    [{ SQS_WAIT_SECONDS: '21' }, /SQS_WAIT_SECONDS must be at most 20/],
    [{ ROOMS_PER_SOCKET: '0' }, /ROOMS_PER_SOCKET must be at least 1/],
    [{ TYPING_LIMIT_WINDOW_SECONDS: '0' }, /TYPING_LIMIT_WINDOW_SECONDS must be at least 1/],
    [{ PRESENCE_LIMIT_POINTS: 'many' }, /PRESENCE_LIMIT_POINTS must be a whole number/],
    [{ MODERATOR_REQUESTS_PER_MINUTE: '0' }, /MODERATOR_REQUESTS_PER_MINUTE must be at least 1/],
    [{ MAX_FRAME_BYTES: '1024' }, /MAX_FRAME_BYTES must be at least 16384/],
    [{ ABUSE_EXEMPT_ADDRESSES: '127.0.0.1, example.com' }, /ABUSE_EXEMPT_ADDRESSES: "example.com" is not an IP address or CIDR/],
    [{ ABUSE_EXEMPT_ADDRESSES: '10.0.0.0/33' }, /ABUSE_EXEMPT_ADDRESSES: "10.0.0.0\/33"/],
    [{ TRUSTED_PROXIES: 'lb.internal' }, /TRUSTED_PROXIES: "lb.internal" is not an IP address or CIDR/],
    [{ ORIGIN_SECRET: 'short' }, /ORIGIN_SECRET must be one value, or two/],
    [{ ORIGIN_SECRET: `${'a'.repeat(32)},${'b'.repeat(32)},${'c'.repeat(32)}` }, /ORIGIN_SECRET must be one value, or two/],
    [{ ORIGIN_SECRET: `${'a'.repeat(31)}!` }, /ORIGIN_SECRET must be one value, or two/],
    [{ CONNECTIONS_PER_MINUTE: '0' }, /CONNECTIONS_PER_MINUTE must be at least 1/],
    [{ READY_CACHE_MS: '600000' }, /READY_CACHE_MS must be at most 300000/],
    [{ METRICS_TOKEN: 'short' }, /METRICS_TOKEN must be at least 16 characters/],
    [{ PENDING_UPLOAD_HOURS: '0' }, /PENDING_UPLOAD_HOURS must be at least 1/],
    [{ UPLOADS_QUOTA_BYTES: '1000' }, /UPLOADS_QUOTA_BYTES must be at least 1048576/],
    [{ ADMIN_TOKEN: 'short' }, /ADMIN_TOKEN must be at least 16/],
    [{ ADMIN_TOKEN: 'sixteen chars and spaces' }, /ADMIN_TOKEN must be printable ASCII/],
    [{ AUTH_MODE: 'closed' }, /AUTH_MODE must be one of open, signed-in/],
    [{ AUTH_MODE: 'signed-in' }, /AUTH_MODE=signed-in also needs AUTH_ISSUER and AUTH_AUDIENCE/],
    [{ AUTH_MODE: 'signed-in', AUTH_ISSUER: 'https://id.example' }, /also needs AUTH_AUDIENCE/],
    [{ AUTH_MODE: 'signed-in', AUTH_ISSUER: 'http://id.example', AUTH_AUDIENCE: 'web' }, /AUTH_ISSUER must use https:\/\//],
    [{ AUTH_ISSUER: 'https://id.example' }, /AUTH_ISSUER set but AUTH_MODE is not signed-in/],
    [
      { AUTH_MODE: 'signed-in', AUTH_ISSUER: 'https://id.example', AUTH_AUDIENCE: 'web', AUTH_SCOPES: 'email' },
      /AUTH_SCOPES must include openid/,
    ],
  ])('%j stops startup naming the setting', (env, message) => {
    expect(() => loadConfig(env)).toThrow(ConfigError);
    expect(() => loadConfig(env)).toThrow(message);
  });
});
