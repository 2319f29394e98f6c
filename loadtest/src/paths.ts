import { join, resolve } from 'node:path';

/** This file sits in src/ (tests) or dist/ (built): either way the workspace is one level up. */
export const LOADTEST_DIR = resolve(__dirname, '..');
export const REPO_ROOT = resolve(LOADTEST_DIR, '..');
/** Child processes and Artillery always load the built files. */
export const DIST_DIR = join(LOADTEST_DIR, 'dist');
