export * from './limits';
export * from './schemas';
export * from './events';
export * from './validate';
