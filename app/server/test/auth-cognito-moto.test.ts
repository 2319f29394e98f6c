import {
  AdminAddUserToGroupCommand,
  AdminCreateUserCommand,
  AdminInitiateAuthCommand,
  AdminSetUserPasswordCommand,
  CognitoIdentityProviderClient,
  CreateGroupCommand,
  CreateUserPoolClientCommand,
  CreateUserPoolCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { decodeJwt } from 'jose';
import { createAuthenticator, createTokenVerifier } from '../src/auth';
import { verdict } from './support/auth-verdict';
import { startMoto, TEST_REGION, useFakeCredentials, type Moto } from './support/moto';

/**
 * Tokens a Cognito user pool issues, as moto's cognito-idp makes them, through the same verifier. moto signs them
 * with the `iss` of the real Cognito (`https://cognito-idp.<region>.amazonaws.com/<pool>`) and serves the pool's
 * discovery document and keys on its own endpoint, so the verifier is pointed there (`discoveryUrl`).
 */
describe('Cognito tokens (moto cognito-idp)', () => {
  let moto: Moto;
  let cognito: CognitoIdentityProviderClient;

  /** A pool as the stacks make it: e-mail as user name, admin-created users, a public client, an admin group. */
  async function pool(name: string) {
    const { UserPool } = await cognito.send(
      new CreateUserPoolCommand({
        PoolName: name,
        UserPoolTier: 'LITE',
        UsernameAttributes: ['email'],
        AutoVerifiedAttributes: ['email'],
        AdminCreateUserConfig: { AllowAdminCreateUserOnly: true },
      }),
    );
    const poolId = UserPool!.Id!;
    const { UserPoolClient } = await cognito.send(
      new CreateUserPoolClientCommand({
        UserPoolId: poolId,
        ClientName: 'chat-web',
        GenerateSecret: false,
        AllowedOAuthFlows: ['code'],
        AllowedOAuthFlowsUserPoolClient: true,
        AllowedOAuthScopes: ['openid', 'email', 'profile'],
        CallbackURLs: ['https://chat.example.com/'],
        LogoutURLs: ['https://chat.example.com/'],
        SupportedIdentityProviders: ['COGNITO'],
        ExplicitAuthFlows: ['ALLOW_USER_SRP_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH', 'ALLOW_ADMIN_USER_PASSWORD_AUTH'],
        // moto puts user attributes in the ID token only when the client may read them.
        ReadAttributes: ['email', 'email_verified', 'name'],
      }),
    );
    await cognito.send(new CreateGroupCommand({ UserPoolId: poolId, GroupName: 'admin' }));
    return { poolId, clientId: UserPoolClient!.ClientId!, issuer: `https://cognito-idp.${TEST_REGION}.amazonaws.com/${poolId}` };
  }

  async function signIn(poolId: string, clientId: string, email: string, name: string, groups: string[] = []) {
    const password = 'Correct-horse-battery-1';
    await cognito.send(
      new AdminCreateUserCommand({
        UserPoolId: poolId,
        Username: email,
        MessageAction: 'SUPPRESS',
        UserAttributes: [
          { Name: 'email', Value: email },
          { Name: 'email_verified', Value: 'true' },
          { Name: 'name', Value: name },
        ],
      }),
    );
    await cognito.send(new AdminSetUserPasswordCommand({ UserPoolId: poolId, Username: email, Password: password, Permanent: true }));
    for (const g of groups) await cognito.send(new AdminAddUserToGroupCommand({ UserPoolId: poolId, Username: email, GroupName: g }));
    const { AuthenticationResult } = await cognito.send(
      new AdminInitiateAuthCommand({
        UserPoolId: poolId,
        ClientId: clientId,
        AuthFlow: 'ADMIN_USER_PASSWORD_AUTH',
        AuthParameters: { USERNAME: email, PASSWORD: password },
      }),
    );
    return { idToken: AuthenticationResult!.IdToken!, accessToken: AuthenticationResult!.AccessToken! };
  }

  const verifierFor = (p: { poolId: string; clientId: string; issuer: string }) =>
    createTokenVerifier({
      issuer: p.issuer,
      audience: p.clientId,
      discoveryUrl: `${moto.endpoint}/${p.poolId}/.well-known/openid-configuration`,
    });

  beforeAll(async () => {
    useFakeCredentials();
    moto = await startMoto();
    cognito = new CognitoIdentityProviderClient({ region: TEST_REGION, endpoint: moto.endpoint, maxAttempts: 5 });
  });
  afterAll(async () => {
    cognito?.destroy();
    await moto?.stop();
  });

  test("a pool's ID token proves the user: name, verified e-mail's domain, admin from cognito:groups", async () => {
    const p = await pool('chat-users');
    const { idToken } = await signIn(p.poolId, p.clientId, 'ana@example.com', 'Ana Lima', ['admin']);
    expect(decodeJwt(idToken)).toMatchObject({ token_use: 'id', aud: p.clientId, iss: p.issuer, 'cognito:groups': ['admin'] });
    const ana = await createAuthenticator(verifierFor(p)).authenticate(idToken);
    expect(ana).toMatchObject({
      name: 'Ana Lima',
      tag: 'example.com',
      email: 'ana@example.com',
      roles: ['admin', 'moderator'],
      issuer: p.issuer,
    });
  });

  test('its access token (client_id, token_use access) is accepted too; its user name is only the sub, so it names no one', async () => {
    const p = await pool('chat-access');
    const { accessToken } = await signIn(p.poolId, p.clientId, 'bo@example.com', 'Bo', ['admin']);
    const verified = await verifierFor(p).verify(accessToken);
    expect(verified.use).toBe('access');
    const bo = await createAuthenticator(verifierFor(p)).authenticate(accessToken);
    expect(bo.roles).toEqual(['admin', 'moderator']);
    expect(bo.name).toMatch(/^user-[A-Za-z0-9_-]{6}$/);
  });

  test('tokens of another pool or another client of the pool are refused (moto signs every pool with one key)', async () => {
    const ours = await pool('chat-ours');
    const theirs = await pool('chat-theirs');
    const { idToken, accessToken } = await signIn(theirs.poolId, theirs.clientId, 'eve@example.com', 'Eve');
    expect(await verdict(verifierFor(ours).verify(idToken))).toBe('wrong_issuer');
    expect(await verdict(verifierFor(ours).verify(accessToken))).toBe('wrong_issuer');
    const { UserPoolClient } = await cognito.send(new CreateUserPoolClientCommand({ UserPoolId: theirs.poolId, ClientName: 'other-app' }));
    const otherClient = { ...theirs, clientId: UserPoolClient!.ClientId! };
    expect(await verdict(verifierFor(otherClient).verify(idToken))).toBe('wrong_audience');
    expect(await verdict(verifierFor(otherClient).verify(accessToken))).toBe('wrong_audience');
    expect(await verdict(verifierFor(theirs).verify(idToken))).toBe('ok');
  });
});
