import type { Construct } from 'constructs';
import { Fn } from 'cdktf';
import { CognitoUserPool } from '@cdktf/provider-aws/lib/cognito-user-pool';
import { CognitoUserPoolDomain } from '@cdktf/provider-aws/lib/cognito-user-pool-domain';
import { CognitoUserPoolClient } from '@cdktf/provider-aws/lib/cognito-user-pool-client';
import { CognitoUserGroup } from '@cdktf/provider-aws/lib/cognito-user-group';
import { CognitoUser } from '@cdktf/provider-aws/lib/cognito-user';
import { CognitoUserInGroup } from '@cdktf/provider-aws/lib/cognito-user-in-group';
import { SsmParameter } from '@cdktf/provider-aws/lib/ssm-parameter';
import { BaseStack } from './base-stack';
import type { InfraConfig } from '../config';
import { skipCheck } from '../checkov/skip';
import { AUTH_GROUPS, authParameterName, cognitoHostedOrigin, cognitoIssuer, userPoolName } from '../names';
import type { WebStack } from './web';

/** What the chat asks the pool for: the server reads the name and e-mail from the ID token. */
export const AUTH_SCOPES = ['openid', 'email', 'profile'] as const;

/**
 * The hosted sign-in domain's prefix: CHAT_PREFIX and a hash of account and region. Prefixes are global within a
 * region, so a fixed one collides with every other deployment of the kit; this one is the same on every plan of the
 * same deployment and differs between accounts. A terraform expression (the account id is known only at plan time),
 * which the web stack computes too, for its Content-Security-Policy, without depending on this stack.
 */
export function cognitoDomainPrefix(prefix: string, accountId: string, region: string): string {
  return `${prefix}-${Fn.substr(Fn.sha1(Fn.join(':', [accountId, region])), 0, 10)}`;
}

/** The addresses the provider may send the browser back to: the app's root, as the web client builds it (with the slash). */
export function chatUrls(web: Pick<WebStack, 'siteUrl' | 'distribution'>, config: InfraConfig): string[] {
  const urls = [`${web.siteUrl}/`];
  // With CHAT_DOMAIN the distribution's own name still serves the chat (the uploads' CORS admits it too).
  if (web.distribution && config.domainName) urls.push(`https://${web.distribution.domainName}/`);
  return urls;
}

/**
 * Who may use the chat (CHAT_AUTH=cognito, the default): a user pool on the Lite tier, its hosted sign-in, the chat's
 * app client, the admin and moderator groups, and the alert e-mail invited as the first admin. A stack of its own,
 * after web: the app client's callback URLs are the chat's URL, which exists only once CloudFront does, and the
 * pool's users outlive any instance or site build. The servers (compute, before web) learn the issuer and client id
 * from two parameters this stack writes, at every start of the service.
 */
export class AuthStack extends BaseStack {
  readonly pool: CognitoUserPool;
  readonly domain: CognitoUserPoolDomain;
  readonly client: CognitoUserPoolClient;
  readonly issuer: string;
  readonly hostedUrl: string;

  constructor(scope: Construct, config: InfraConfig, web: WebStack) {
    super(scope, 'auth', config);
    const invitation = [
      `You are invited to the chat at ${web.siteUrl}/`,
      '',
      'Your user name is {username} and your temporary password is {####}',
      'Sign in there; you choose your own password on the first sign-in.',
    ].join('<br>\n');

    this.pool = new CognitoUserPool(this, 'users', {
      name: userPoolName(config.prefix),
      // Lite: sign-in, sign-up and the classic hosted UI, the cheapest plan, free for the first 10,000 monthly users.
      userPoolTier: 'LITE',
      deletionProtection: config.deletionProtection ? 'ACTIVE' : 'INACTIVE',
      // People sign in with their e-mail address; the pool verifies it before anyone can use it.
      usernameAttributes: ['email'],
      usernameConfiguration: { caseSensitive: false },
      autoVerifiedAttributes: ['email'],
      accountRecoverySetting: { recoveryMechanism: [{ name: 'verified_email', priority: 1 }] },
      passwordPolicy: {
        minimumLength: 12,
        requireLowercase: true,
        requireUppercase: true,
        requireNumbers: true,
        requireSymbols: false,
        temporaryPasswordValidityDays: 7,
      },
      // Invite-only unless CHAT_SIGNUP=open: then anyone may sign up, with a code sent to the address first.
      adminCreateUserConfig: {
        allowAdminCreateUserOnly: config.signup !== 'open',
        inviteMessageTemplate: { emailSubject: 'Your invitation to the chat', emailMessage: invitation },
      },
      verificationMessageTemplate: { defaultEmailOption: 'CONFIRM_WITH_CODE' },
      // Cognito's own mail (50 a day, free) is enough for invitations and codes; SES would need a verified sender.
      emailConfiguration: { emailSendingAccount: 'COGNITO_DEFAULT' },
      mfaConfiguration: 'OFF',
    });

    // Lite offers the classic hosted UI (managed login version 1); the newer managed login needs Essentials.
    const domainPrefix = cognitoDomainPrefix(config.prefix, this.accountId, config.region);
    this.domain = new CognitoUserPoolDomain(this, 'sign-in-domain', {
      domain: domainPrefix,
      userPoolId: this.pool.id,
      managedLoginVersion: 1,
    });

    const urls = chatUrls(web, config);
    // A public client (a browser app keeps no secret): the authorization code flow, which the web client always runs
    // with PKCE; Cognito has no switch that requires PKCE of a client, a public one is what makes it the only safe way.
    this.client = new CognitoUserPoolClient(this, 'chat-client', {
      name: `${config.prefix}-chat`,
      userPoolId: this.pool.id,
      generateSecret: false,
      allowedOauthFlowsUserPoolClient: true,
      allowedOauthFlows: ['code'],
      allowedOauthScopes: [...AUTH_SCOPES],
      supportedIdentityProviders: ['COGNITO'],
      callbackUrls: urls,
      logoutUrls: urls,
      defaultRedirectUri: urls[0],
      // Only the hosted UI signs in; the browser refreshes its tokens with the refresh token.
      explicitAuthFlows: ['ALLOW_REFRESH_TOKEN_AUTH'],
      preventUserExistenceErrors: 'ENABLED',
      enableTokenRevocation: true,
      idTokenValidity: 60,
      accessTokenValidity: 60,
      refreshTokenValidity: 30,
      tokenValidityUnits: [{ idToken: 'minutes', accessToken: 'minutes', refreshToken: 'days' }],
    });

    // The roles the server reads from `cognito:groups`: admins manage rooms and members, moderators delete messages.
    const groups = {
      admin: new CognitoUserGroup(this, 'admin-group', {
        name: AUTH_GROUPS.admin,
        userPoolId: this.pool.id,
        precedence: 0,
        description: 'Manages rooms and members, and deletes any message',
      }),
      moderator: new CognitoUserGroup(this, 'moderator-group', {
        name: AUTH_GROUPS.moderator,
        userPoolId: this.pool.id,
        precedence: 1,
        description: 'Deletes any message',
      }),
    };

    // The first admin: Cognito e-mails the alert address a temporary password and the chat's URL (the invitation above).
    const admin = new CognitoUser(this, 'first-admin', {
      userPoolId: this.pool.id,
      username: config.alertEmail,
      attributes: { email: config.alertEmail, email_verified: 'true' },
      desiredDeliveryMediums: ['EMAIL'],
      // The admin may change their own attributes afterwards; terraform does not undo that.
      lifecycle: { ignoreChanges: ['attributes'] },
    });
    new CognitoUserInGroup(this, 'first-admin-is-admin', {
      userPoolId: this.pool.id,
      groupName: groups.admin.name,
      username: admin.username,
    });

    this.issuer = cognitoIssuer(config.region, this.pool.id);
    this.hostedUrl = cognitoHostedOrigin(this.domain.domain, config.region);
    for (const [name, value, description] of [
      ['issuer', this.issuer, 'Issuer the chat servers check tokens against (server setting AUTH_ISSUER)'],
      ['client-id', this.client.id, "The chat's app client, the tokens' audience (server setting AUTH_AUDIENCE)"],
    ] as const) {
      const p = new SsmParameter(this, `auth-${name}`, {
        name: authParameterName(config.ssmPrefix, name),
        type: 'String',
        value,
        description,
      });
      skipCheck(p, 'CKV2_AWS_34', 'A public identifier the browser also receives in /config.json, not a secret.');
    }

    this.output('AUTH_ISSUER', this.issuer, 'OpenID Connect issuer of the user pool (server setting AUTH_ISSUER)');
    this.output('AUTH_CLIENT_ID', this.client.id, "The chat's app client id (server setting AUTH_AUDIENCE)");
    this.output('USER_POOL_ID', this.pool.id, 'The user pool: add people with aws cognito-idp admin-create-user');
    this.output('SIGN_IN_URL', this.hostedUrl, 'The hosted sign-in pages');
  }
}
