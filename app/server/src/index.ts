export { startServer, type RunningServer } from './server';
export { loadConfig, ConfigError, type Config } from './config';
