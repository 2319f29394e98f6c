/** One option of a command: `--flag VALUE`, or a switch when `value` is absent. */
export interface OptionSpec {
  flag: `--${string}`;
  /** the value's placeholder (`N`, `URL`); absent: a switch */
  value?: string;
  default?: string;
  description: string;
  /** a switch that also takes `--no-<name>` */
  negatable?: boolean;
}

/** An environment variable a command reads. */
export interface SettingSpec {
  name: string;
  default?: string;
  description: string;
  /** an argument (the last one) that may be given several times */
  repeatable?: boolean;
}

export interface CommandSpec {
  /** how it is typed, up to the options: `npm run redrive --` */
  command: string;
  summary: string;
  /** words that are not options, in order (all optional) */
  arguments?: SettingSpec[];
  options?: OptionSpec[];
  settings?: SettingSpec[];
  examples?: string[];
  notes?: string;
}

export class UsageError extends Error {}
export function formatUsage(spec: CommandSpec): string;
export function parseCommand(
  argv: string[],
  spec: CommandSpec,
): { help: boolean; values: Record<string, string | boolean>; positionals: string[] };
/** Each given option by name (the flag without `--`), and the positional arguments under `_`. */
export interface CommandValues {
  _: string[];
  [name: string]: string | boolean | string[] | undefined;
}
/** parseCommand; --help prints the usage and exits 0, a usage error is one line and exit 2. */
export function commandLine(argv: string[], spec: CommandSpec): CommandValues;

export interface Report {
  (text: string): void;
  /** a line printed above the progress */
  log(line: string): void;
}
export function interactive(stream?: NodeJS.WriteStream): boolean;
export function task<T>(
  title: string,
  work: (report: Report) => Promise<T> | T,
  options?: { expectSeconds?: number; stream?: NodeJS.WriteStream },
): Promise<T>;
export function steps(
  total: number,
): <T>(title: string, work: (report: Report) => Promise<T> | T, options?: { expectSeconds?: number }) => Promise<T>;
export function runCommand(
  cmd: string,
  args: string[],
  options?: import('node:child_process').SpawnOptions & { quiet?: boolean },
): Promise<{ code: number; output: string }>;

export class CliError extends Error {
  constructor(problem: string, fix?: string, options?: { exitCode?: number; output?: string });
  fix: string | undefined;
  exitCode: number;
  output: string | undefined;
}
export function describeError(err: unknown): string;
export function oneLine(problem: string, fix?: string): string;
export function verbose(argv?: string[], env?: Record<string, string | undefined>): boolean;
export function reportError(err: unknown, options?: { prefix?: string }): void;
/** `url`'s response, whatever its status; when nothing answers, a CliError naming the URL, the reason and `fix`. */
export function reachable(url: string | URL, fix: string, timeoutMs?: number): Promise<Response>;
export function runMain(main: () => Promise<unknown> | unknown, options?: { prefix?: string }): void;

export function markdownTable(markdown: string, anchor: string): { header: string[]; rows: string[][] };
export function codeNames(cell: string): string[];
export function usageOptions(usage: string): string[];
export function usageSettings(usage: string): string[];

/** infra/outputs.json, which `npm run deploy` writes. */
export const OUTPUTS_FILE: string;
/** The deploy's outputs by name; {} when there is no file. */
export function readOutputs(file?: string): Record<string, string>;
/** `env` with each of `names` it lacks taken from the outputs file, and which ones were. */
export function withOutputs(
  env: Record<string, string | undefined>,
  names: readonly string[],
  file?: string,
): { env: Record<string, string | undefined>; fromOutputs: string[] };
