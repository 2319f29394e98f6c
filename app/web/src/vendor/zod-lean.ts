/**
 * The part of zod's classic API that `@chat/protocol` uses. `import { z } from 'zod'` makes esbuild
 * (the Angular builder) keep zod's whole namespace, every locale included: about 450 kB of the
 * bundle. tsconfig maps `zod` here for the browser build only; the protocol's schemas stay the one
 * source of the rules, unchanged. When the protocol starts calling another zod function, add it below:
 * until then the web build stops with a type error naming it.
 */
import { config } from 'zod/v4';
import en from 'zod/v4/locales/en.js';

config(en());

export { string, number, boolean, object, strictObject, array, enum, ZodType } from 'zod/v4';
export type { input, output, infer } from 'zod/v4';
