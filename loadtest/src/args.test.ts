import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { MOTO_P99_MS, MOTO_RATE, parseArgs, perUserRate, UsageError } from './args';

describe('parseArgs', () => {
  it('defaults to the latency profile against a local embedded server, with the floor', () => {
    expect(parseArgs([])).toMatchObject({ scenario: 'latency', users: 100, rate: 50, duration: 60, backend: 'embedded', floor: true });
  });

  it('reads every option, in both --flag value and --flag=value forms', () => {
    const o = parseArgs([
      '--target=https://chat.example.com/x',
      '--scenario',
      'rooms',
      '--users',
      '20',
      '--rate=7.5',
      '--duration',
      '5',
      '--no-floor',
      '--rooms',
      '4',
      '--p99',
      '40',
    ]);
    expect(o).toMatchObject({
      target: 'https://chat.example.com',
      scenario: 'rooms',
      users: 20,
      rate: 7.5,
      duration: 5,
      floor: false,
      rooms: 4,
      p99: 40,
    });
  });

  it('--servers N with the moto backend', () => {
    expect(parseArgs([]).servers).toBe(1);
    expect(parseArgs(['--backend', 'moto', '--servers', '2'])).toMatchObject({ backend: 'moto', servers: 2 });
  });

  it('gives moto its own rate and p99 limit (moto transactions, not the server, are slow) unless they are given', () => {
    expect(parseArgs([])).toMatchObject({ p99: 500, rate: 50 });
    expect(parseArgs(['--backend', 'moto'])).toMatchObject({ p99: MOTO_P99_MS, rate: MOTO_RATE });
    expect(parseArgs(['--backend', 'moto', '--p99', '800', '--rate', '20'])).toMatchObject({ p99: 800, rate: 20 });
  });

  it('gives fanout a total rate its few senders can send', () => {
    expect(parseArgs(['--scenario', 'fanout']).rate).toBe(20);
    expect(parseArgs(['--scenario', 'fanout', '--rate', '5']).rate).toBe(5);
  });

  it.each([
    [['--users', '0']],
    [['--users', '2.5']],
    [['--rate', 'fast']],
    [['--scenario', 'soak']],
    [['--backend', 'dynamo']],
    [['--target', 'ftp://x']],
    [['--target', 'not a url']],
    [['--target', 'http://x', '--backend', 'moto']],
    [['--bogus']],
    [['--servers', '2']],
    [['--servers', '2', '--target', 'http://x']],
    [['--servers', '0', '--backend', 'moto']],
    [['--servers', '9', '--backend', 'moto']],
  ])('rejects %j', (argv) => {
    expect(() => parseArgs(argv)).toThrow(UsageError);
  });

  describe('--token-file', () => {
    const dir = mkdtempSync(join(os.tmpdir(), 'loadtest-tokens-'));
    afterAll(() => rmSync(dir, { recursive: true, force: true }));
    const file = (name: string, text: string) => {
      writeFileSync(join(dir, name), text);
      return join(dir, name);
    };

    it('takes a file of JWTs for a --target', () => {
      const tokens = file('ok.txt', 'eyJh.eyJz.c2ln\n\neyJh.eyJ0.c2ln\n');
      expect(parseArgs(['--target', 'https://chat.example.com', '--token-file', tokens]).tokenFile).toBe(tokens);
    });

    it.each([
      [['--token-file', 'OK'], /signs in to a --target/],
      [['--target', 'https://c.example', '--token-file', '/nonexistent/tokens'], /cannot read/],
      [['--target', 'https://c.example', '--token-file', 'EMPTY'], /holds no token/],
      [['--target', 'https://c.example', '--token-file', 'BAD'], /line 2 .* is not a JWT/],
    ])('refuses %j', (argv, message) => {
      const fixtures: Record<string, () => string> = {
        OK: () => file('one.txt', 'a.b.c\n'),
        EMPTY: () => file('empty.txt', '\n \n'),
        BAD: () => file('bad.txt', 'a.b.c\nnot a token\n'),
      };
      const args = argv.map((a) => fixtures[a]?.() ?? a);
      expect(() => parseArgs(args)).toThrow(message);
    });
  });

  it('computes what each sender sends per second', () => {
    expect(perUserRate({ scenario: 'latency', users: 100, rate: 50, senders: 10 })).toBe(0.5);
    expect(perUserRate({ scenario: 'fanout', users: 100, rate: 20, senders: 10 })).toBe(2);
  });
});
