'use strict';
// What `npm run deploy` wrote to infra/outputs.json (every stack's outputs by name: QUEUE_URL, API_URL, …): the
// settings of the operating commands (redrive, the smoke test) when the environment does not give them.
const fs = require('node:fs');
const path = require('node:path');
const { CliError } = require('./errors');

const OUTPUTS_FILE = path.resolve(__dirname, '../../infra/outputs.json');

/** The outputs by name; {} when the file does not exist (nothing was deployed from this clone). */
function readOutputs(file = OUTPUTS_FILE) {
  let text;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    if (err.code === 'ENOENT') return {};
    throw err;
  }
  let data;
  try {
    data = JSON.parse(text);
  } catch {
    throw new CliError(`${file} is not JSON`, 'npm run deploy writes it again (it changes nothing when nothing changed)');
  }
  return Object.fromEntries(Object.entries(data).map(([name, value]) => [name, String(value)]));
}

/**
 * `env` with each of `names` it lacks taken from the outputs file; `fromOutputs` lists those, so a command can say
 * where its settings came from.
 */
function withOutputs(env, names, file = OUTPUTS_FILE) {
  const outputs = readOutputs(file);
  const merged = { ...env };
  const fromOutputs = [];
  for (const name of names) {
    if ((env[name] ?? '').trim() === '' && outputs[name]) {
      merged[name] = outputs[name];
      fromOutputs.push(name);
    }
  }
  return { env: merged, fromOutputs };
}

module.exports = { OUTPUTS_FILE, readOutputs, withOutputs };
