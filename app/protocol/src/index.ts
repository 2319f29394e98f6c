export * from './limits';
export * from './schemas';
export * from './checks';
export * from './events';
export * from './validate';
export * from './event-schemas';
