export { startServer, type RunningServer } from './server';
export { loadConfig, ConfigError, type Config } from './config';
export { historyTableInput } from './adapters/aws/dynamo-store';
