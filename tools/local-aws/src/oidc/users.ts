/**
 * The people of the loopback OpenID Connect provider. Each one exercises a rule of the chat's identity: a role from
 * groups, a name from a fallback claim, two people with the same name, a name no chat should display as given.
 */
export interface TestUser {
  /** What the login page takes as the user name (and `preferred_username`, unless `preferredUsername` says otherwise). */
  username: string;
  password: string;
  /** The `sub` claim: stable, opaque, like Cognito's UUIDs. */
  sub: string;
  name?: string;
  /** Set to `null` to leave the claim out; defaults to `username`. */
  preferredUsername?: string | null;
  email?: string;
  /** Group names, issued both as `groups` and, Cognito's shape, as `cognito:groups`. */
  groups: string[];
}

/** One password for all: these accounts exist only on loopback, in tests and local development. */
export const TEST_PASSWORD = 'correct horse battery staple';

export const TEST_USERS: readonly TestUser[] = [
  {
    username: 'alice',
    password: TEST_PASSWORD,
    sub: '0b6e4f3a-7d1c-4c52-9a0e-1f4a2b3c4d01',
    name: 'Alice Admin',
    email: 'alice@example.com',
    groups: ['admin'],
  },
  {
    username: 'bob',
    password: TEST_PASSWORD,
    sub: '0b6e4f3a-7d1c-4c52-9a0e-1f4a2b3c4d02',
    name: 'Bob Moderator',
    email: 'bob@example.com',
    groups: ['moderator'],
  },
  {
    username: 'carol',
    password: TEST_PASSWORD,
    sub: '0b6e4f3a-7d1c-4c52-9a0e-1f4a2b3c4d03',
    name: 'Carol',
    email: 'carol@example.com',
    groups: [],
  },
  // No `name`: the display name falls back to `preferred_username`.
  {
    username: 'dave',
    password: TEST_PASSWORD,
    sub: '0b6e4f3a-7d1c-4c52-9a0e-1f4a2b3c4d04',
    email: 'dave@example.com',
    groups: ['readers'],
  },
  // No `name`, no `preferred_username`: the e-mail's local part.
  {
    username: 'erin',
    password: TEST_PASSWORD,
    sub: '0b6e4f3a-7d1c-4c52-9a0e-1f4a2b3c4d05',
    preferredUsername: null,
    email: 'erin.e@example.net',
    groups: [],
  },
  // Two people called Sam Lee, told apart by their e-mail domains.
  {
    username: 'sam',
    password: TEST_PASSWORD,
    sub: '0b6e4f3a-7d1c-4c52-9a0e-1f4a2b3c4d06',
    name: 'Sam Lee',
    email: 'sam@example.com',
    groups: [],
  },
  {
    username: 'sam2',
    password: TEST_PASSWORD,
    sub: '0b6e4f3a-7d1c-4c52-9a0e-1f4a2b3c4d07',
    name: 'Sam Lee',
    email: 'sam.lee@example.org',
    groups: [],
  },
  // A name with a right-to-left override: shown by a later claim instead, never as given.
  {
    username: 'mallory',
    password: TEST_PASSWORD,
    sub: '0b6e4f3a-7d1c-4c52-9a0e-1f4a2b3c4d08',
    name: 'Mall\u202Eyro',
    email: 'mallory@example.com',
    groups: [],
  },
];

/** The claims a provider holds for `user`, before scopes filter them. */
export function claimsOf(user: TestUser): Record<string, unknown> {
  const preferred = user.preferredUsername === undefined ? user.username : user.preferredUsername;
  return {
    sub: user.sub,
    ...(user.name !== undefined && { name: user.name }),
    ...(preferred !== null && { preferred_username: preferred }),
    ...(user.email !== undefined && { email: user.email, email_verified: true }),
    groups: user.groups,
    'cognito:groups': user.groups,
  };
}
