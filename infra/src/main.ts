/** cdktf app entry: `npm run synth` runs this to write every stack to cdktf.out (no AWS, no terraform). */
import * as path from 'node:path';
import { App } from 'cdktf';
import { buildStacks } from './app';
import { ConfigError, DEFAULTS, ENV_NAMES, loadConfig } from './config';
import { stackId } from './names';

/** Synthesizes all stacks; returns the process exit code (2: the configuration is invalid, nothing written). */
export function synthMain(env: Record<string, string | undefined>, log: (line: string) => void = console.error): number {
  let config;
  try {
    config = loadConfig(env);
  } catch (e) {
    if (e instanceof ConfigError) {
      log(e.message);
      return 2;
    }
    throw e;
  }
  // The cdktf CLI passes its output directory in CDKTF_OUTDIR; on our own we write next to the app.
  const outdir = env.CDKTF_OUTDIR ?? path.resolve(__dirname, '..', 'cdktf.out');
  const app = new App({ outdir });
  buildStacks(app, config);
  app.synth();
  log(`Synthesized ${app.node.children.length} stacks to ${outdir}`);
  if (config.githubRepo === DEFAULTS.githubRepo) {
    // Synthesized all the same, so its tests and checkov see it; never applied for that placeholder.
    log(
      `${stackId(config.prefix, 'ci')} names the placeholder repository ${DEFAULTS.githubRepo}: npm run deploy applies it only with ${ENV_NAMES.githubRepo}`,
    );
  }
  return 0;
}

if (require.main === module) process.exitCode = synthMain(process.env);
