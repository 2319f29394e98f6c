/**
 * The protocol for browsers: limits, types and the zod-free checks, nothing that pulls zod into a bundle.
 * The web app's tsconfig maps `@chat/protocol` here, so a web import of a schema fails to compile.
 */
export * from './limits';
export * from './checks';
export * from './events';
export type * from './schemas';
export type * from './validate';
