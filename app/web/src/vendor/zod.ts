export * as z from './zod-lean';
