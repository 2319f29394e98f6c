/**
 * The auth stack (CHAT_AUTH=cognito, the default): the user pool on the Lite tier, its hosted sign-in domain, the
 * chat's public app client, the two role groups and the invited first admin; and what the other modes change in the
 * servers' settings and the site's Content-Security-Policy.
 */
import { CognitoUserPool } from '@cdktf/provider-aws/lib/cognito-user-pool';
import { CognitoUserPoolDomain } from '@cdktf/provider-aws/lib/cognito-user-pool-domain';
import { CognitoUserPoolClient } from '@cdktf/provider-aws/lib/cognito-user-pool-client';
import { CognitoUserGroup } from '@cdktf/provider-aws/lib/cognito-user-group';
import { CognitoUser } from '@cdktf/provider-aws/lib/cognito-user';
import { CognitoUserInGroup } from '@cdktf/provider-aws/lib/cognito-user-in-group';
import { SsmParameter } from '@cdktf/provider-aws/lib/ssm-parameter';
import { loadConfig, ConfigError } from '../src/config';
import { stacksFor } from '../src/names';
import { only, parse, resources, statements, synthAll, TEST_CONFIG } from './helpers';

const CERT = `arn:aws:acm:us-east-1:123456789012:certificate/${'0'.repeat(8)}-0000-0000-0000-${'0'.repeat(12)}`;
const userData = (json: string): string => String(only(json, 'aws_instance').user_data);
const csp = (json: string): string =>
  String(
    (
      only(json, 'aws_cloudfront_response_headers_policy') as {
        security_headers_config: { content_security_policy: { content_security_policy: string } };
      }
    ).security_headers_config.content_security_policy.content_security_policy,
  );

describe('auth stack (CHAT_AUTH=cognito, the default)', () => {
  const { json } = synthAll();
  const auth = json.auth;

  test('a user pool on the Lite tier, e-mail as the user name, invite-only', () => {
    expect(auth).toHaveResourceWithProperties(CognitoUserPool, {
      name: 'chat-users',
      user_pool_tier: 'LITE',
      username_attributes: ['email'],
      auto_verified_attributes: ['email'],
      admin_create_user_config: expect.objectContaining({ allow_admin_create_user_only: true }),
      deletion_protection: 'INACTIVE',
    });
    // The invitation names the chat's URL and carries what Cognito requires of an invitation.
    const message = String(
      (only(auth, 'aws_cognito_user_pool').admin_create_user_config as Record<string, any>).invite_message_template.email_message,
    );
    expect(message).toContain('{username}');
    expect(message).toContain('{####}');
    expect(message).toMatch(
      /You are invited to the chat at https:\/\/\$\{data\.terraform_remote_state\.[\w-]+\.outputs\.[\w-]+domain_name\}\//,
    );
  });

  test('CHAT_SIGNUP=open lets people sign up (the pool verifies their e-mail first)', () => {
    const open = synthAll({ signup: 'open' }).json.auth;
    expect(open).toHaveResourceWithProperties(CognitoUserPool, {
      admin_create_user_config: expect.objectContaining({ allow_admin_create_user_only: false }),
      auto_verified_attributes: ['email'],
      verification_message_template: expect.objectContaining({ default_email_option: 'CONFIRM_WITH_CODE' }),
    });
  });

  test('the hosted sign-in domain: the prefix plus a hash of account and region, the classic hosted UI Lite offers', () => {
    expect(auth).toHaveResourceWithProperties(CognitoUserPoolDomain, {
      domain: 'chat-${substr(sha1(join(":", [data.aws_caller_identity.account.account_id, "us-east-1"])), 0, 10)}',
      managed_login_version: 1,
      user_pool_id: expect.stringContaining('aws_cognito_user_pool.users.id'),
    });
    // Another prefix, another domain: two deployments in one account do not collide either.
    expect(String(only(synthAll({ prefix: 'team' }).json.auth, 'aws_cognito_user_pool_domain').domain)).toMatch(/^team-\$\{substr\(sha1/);
  });

  test('the app client: authorization code only, no secret, the chat URL for sign-in and sign-out, openid email profile', () => {
    expect(auth).toHaveResourceWithProperties(CognitoUserPoolClient, {
      generate_secret: false,
      allowed_oauth_flows_user_pool_client: true,
      allowed_oauth_flows: ['code'],
      allowed_oauth_scopes: ['openid', 'email', 'profile'],
      supported_identity_providers: ['COGNITO'],
      explicit_auth_flows: ['ALLOW_REFRESH_TOKEN_AUTH'],
      prevent_user_existence_errors: 'ENABLED',
      enable_token_revocation: true,
    });
    const client = only(auth, 'aws_cognito_user_pool_client');
    // The web client's redirect_uri is the app's root with its slash: the site URL from the web stack, plus "/".
    expect(client.callback_urls).toEqual([
      expect.stringMatching(/^https:\/\/\$\{data\.terraform_remote_state\.[\w-]+\.outputs\.[\w-]+distributiondomain_name\}\/$/),
    ]);
    expect(client.logout_urls).toEqual(client.callback_urls);
  });

  test('with CHAT_DOMAIN the custom name and the distribution’s own name are both callback URLs', () => {
    const { json: custom } = synthAll({ certificateArn: CERT, domainName: 'chat.example.com' });
    const client = only(custom.auth, 'aws_cognito_user_pool_client');
    expect(client.callback_urls).toEqual([
      'https://chat.example.com/',
      expect.stringMatching(/^https:\/\/\$\{data\.terraform_remote_state.*\}\/$/),
    ]);
  });

  test('the admin and moderator groups, and the alert e-mail invited by e-mail as the first admin', () => {
    expect(auth).toHaveResourceWithProperties(CognitoUserGroup, { name: 'admin', precedence: 0 });
    expect(auth).toHaveResourceWithProperties(CognitoUserGroup, { name: 'moderator', precedence: 1 });
    expect(auth).toHaveResourceWithProperties(CognitoUser, {
      username: TEST_CONFIG.alertEmail,
      attributes: { email: TEST_CONFIG.alertEmail, email_verified: 'true' },
      desired_delivery_mediums: ['EMAIL'],
    });
    expect(auth).toHaveResourceWithProperties(CognitoUserInGroup, {
      group_name: '${aws_cognito_user_group.admin-group.name}',
      username: '${aws_cognito_user.first-admin.username}',
    });
  });

  test('the issuer and client id go to the servers through two parameters (compute is applied before this stack)', () => {
    expect(auth).toHaveResourceWithProperties(SsmParameter, {
      name: '/chat/prod/auth/issuer',
      type: 'String',
      value: 'https://cognito-idp.us-east-1.amazonaws.com/${aws_cognito_user_pool.users.id}',
    });
    expect(auth).toHaveResourceWithProperties(SsmParameter, {
      name: '/chat/prod/auth/client-id',
      type: 'String',
      value: '${aws_cognito_user_pool_client.chat-client.id}',
    });
    const out = parse(auth).output ?? {};
    expect(Object.keys(out)).toEqual(expect.arrayContaining(['AUTH_ISSUER', 'AUTH_CLIENT_ID', 'USER_POOL_ID', 'SIGN_IN_URL']));
  });

  test('the servers run signed-in and read the issuer and client id with their secrets at every start', () => {
    const ud = userData(json.compute);
    expect(ud).toContain('Environment="AUTH_MODE=signed-in"');
    expect(ud).not.toContain('Environment="AUTH_ISSUER');
    expect(ud).toContain(`setting '/chat/prod/auth/issuer' 'AUTH_ISSUER'`);
    expect(ud).toContain(`setting '/chat/prod/auth/client-id' 'AUTH_AUDIENCE'`);
    // The instance role may read those two parameters, and no other outside its secrets.
    const policy = resources(json.compute, 'aws_iam_role_policy').find((p) => p.name === 'chat-server-data')!;
    const secrets = statements(policy.policy).find((s) => s.Sid === 'Secrets')!;
    expect(secrets.Resource).toEqual([
      expect.stringMatching(/:parameter\/chat\/prod\/secrets\/\*$/),
      expect.stringMatching(/:parameter\/chat\/prod\/auth\/issuer$/),
      expect.stringMatching(/:parameter\/chat\/prod\/auth\/client-id$/),
    ]);
  });

  test('the site may call the pool’s API and its hosted sign-in (connect-src), and nothing else of Cognito', () => {
    const policy = csp(json.web);
    expect(policy).toMatch(
      /connect-src 'self' [^;]* https:\/\/cognito-idp\.us-east-1\.amazonaws\.com https:\/\/chat-\$\{substr\(sha1\(join\(":", \[data\.aws_caller_identity\.account\.account_id, "us-east-1"\]\)\), 0, 10\)\}\.auth\.us-east-1\.amazoncognito\.com;/,
    );
  });
});

describe('CHAT_AUTH=oidc: another provider, no pool', () => {
  const issuer = 'https://keycloak.example.com/realms/chat';
  const { json } = synthAll({ auth: 'oidc', authIssuer: issuer, authClientId: 'chat-web' });

  test('no auth stack; the servers get the issuer and client id in their settings', () => {
    expect(json.auth).toBeUndefined();
    expect(stacksFor({ auth: 'oidc' })).not.toContain('auth');
    const ud = userData(json.compute);
    expect(ud).toContain('Environment="AUTH_MODE=signed-in"');
    expect(ud).toContain(`Environment="AUTH_ISSUER=${issuer}"`);
    expect(ud).toContain('Environment="AUTH_AUDIENCE=chat-web"');
    expect(ud).not.toContain("setting '/chat/prod/auth/");
  });

  test("the site may call the issuer's origin", () => {
    expect(csp(json.web)).toMatch(/connect-src 'self' [^;]* https:\/\/keycloak\.example\.com;/);
  });

  test('needs both settings, an https:// issuer, and they mean nothing in another mode', () => {
    expect(() => loadConfig({ CHAT_AUTH: 'oidc' })).toThrow(/CHAT_AUTH_ISSUER[\s\S]*CHAT_AUTH_CLIENT_ID/);
    expect(() => loadConfig({ CHAT_AUTH: 'oidc', CHAT_AUTH_ISSUER: 'http://keycloak.example.com', CHAT_AUTH_CLIENT_ID: 'x' })).toThrow(
      /https:\/\/ issuer URL \(got "http:\/\/keycloak\.example\.com"\)/,
    );
    expect(() => loadConfig({ CHAT_AUTH_ISSUER: issuer })).toThrow(/are for CHAT_AUTH=oidc \(auth is cognito\)/);
    expect(() => loadConfig({ CHAT_AUTH: 'password' })).toThrow(ConfigError);
    expect(() => loadConfig({ CHAT_SIGNUP: 'anyone' })).toThrow(/signup "anyone" must be invite or open/);
  });
});

describe('CHAT_AUTH=open: the opt-out', () => {
  test('no pool, the servers in open mode, no sign-in origin in the CSP', () => {
    const { json } = synthAll({ auth: 'open' });
    expect(json.auth).toBeUndefined();
    expect(userData(json.compute)).toContain('Environment="AUTH_MODE=open"');
    expect(csp(json.web)).not.toMatch(/cognito|keycloak/);
  });
});

test('a prefix with a word Cognito refuses in a domain is refused up front, only where a pool is made', () => {
  expect(() => loadConfig({ CHAT_PREFIX: 'myaws' })).toThrow(/prefix "myaws" contains "aws"/);
  expect(loadConfig({ CHAT_PREFIX: 'myaws', CHAT_AUTH: 'open' }).prefix).toBe('myaws');
});
