export { REPO_ROOT, ensureVenv, venvTool } from './venv';
export { freePort, waitForPort } from './ports';
export { MOTO_CREDENTIALS, MOTO_REGION, startMoto, type Moto } from './moto';
export { createChatResources, type ChatResourceOptions, type ChatResources, type ChatResourceShape } from './chat-resources';
export { startRedis, type Redis } from './redis';
export { haproxyConfig, startHaproxy, type LoadBalancer } from './haproxy';
export { awsCliDir, ensureAwsCli } from './aws-cli';
export { startTcpProxy, type TcpProxy } from './tcp-proxy';
export { CHAT_MAIN, ChatProcess, type ChatExit } from './chat-process';
