export { startServer, type RunningServer } from './server';
export { loadConfig, ConfigError, type Config } from './config';
export { chatResourceShape } from './adapters/aws/table-shape';
