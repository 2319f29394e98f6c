export { REPO_ROOT, ensureVenv, venvTool } from './venv';
export { freePort, waitForPort } from './ports';
export { MOTO_CREDENTIALS, MOTO_REGION, startMoto, type Moto } from './moto';
export { createChatResources, type ChatResourceOptions, type ChatResources, type ChatResourceShape } from './chat-resources';
export { startRedis, type Redis } from './redis';
export { haproxyConfig, startHaproxy, type HaproxyOptions, type LoadBalancer } from './haproxy';
export { awsCliDir, ensureAwsCli } from './aws-cli';
export { cutConnection, startTcpProxy, type TcpProxy } from './tcp-proxy';
export { CHAT_MAIN, ChatProcess, type ChatExit } from './chat-process';
export {
  startOidcProvider,
  DEFAULT_SCOPE,
  HOSTILE_KINDS,
  TEST_PASSWORD,
  TEST_USERS,
  claimsOf,
  type HostileKind,
  type MintOptions,
  type OidcOutage,
  type OidcProvider,
  type OidcProviderOptions,
  type SignedIn,
  type TestUser,
  type TokenSet,
  type TokenShape,
} from './oidc';
