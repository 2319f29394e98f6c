import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { parseChaosArgs, seedArgs, USAGE } from './options';

const parse = (line: string) => parseChaosArgs(line.split(' ').filter(Boolean), { seedSource: () => 42 });

describe('npm run chaos options', () => {
  test('defaults: 2 servers on moto, 5 minutes, every fault kind, a random seed', () => {
    const { schedule } = parse('');
    expect(schedule).toMatchObject({
      seed: 42,
      backend: 'moto',
      servers: 2,
      durationMs: 300_000,
      drainMs: 120_000,
      clients: 8,
      rooms: 3,
      rate: 4,
    });
    expect(schedule.kinds).toEqual(['kill', 'term', 'redis', 'freeze', 'partition']);
  });

  test('the README command and its options', () => {
    expect(parse('--servers 2 --minutes 5').schedule).toMatchObject({ servers: 2, durationMs: 300_000 });
    expect(parse('--minutes=0.5 --seed=7 --faults kill,freeze').schedule).toMatchObject({
      durationMs: 30_000,
      seed: 7,
      kinds: ['kill', 'freeze'],
    });
    expect(parse('--backend embedded').schedule).toMatchObject({ backend: 'embedded', servers: 1, kinds: ['kill', 'term'] });
    expect(parse('--help').help).toBe(true);
    expect(USAGE).toContain('--schedule FILE');
  });

  test('impossible combinations are refused with one line that says why', () => {
    expect(() => parse('--backend embedded --servers 2')).toThrow('--backend embedded runs one server');
    expect(() => parse('--backend embedded --faults redis')).toThrow('its faults are kill, term, not redis');
    expect(() => parse('--faults kill,flood')).toThrow('--faults takes kinds from');
    expect(() => parse('--servers 0')).toThrow('--servers needs a positive integer');
    expect(() => parse('--minutes soon')).toThrow('--minutes needs a positive number');
    expect(() => parse('--rooms 9')).toThrow('every room needs a member');
    expect(() => parse('--backend aws')).toThrow('--backend is moto or embedded');
    expect(() => parse('--seed 1 --seed 2')).toThrow('--seed given twice');
    expect(() => parse('--target http://x')).toThrow('unknown option --target');
    for (const message of ['--backend embedded --servers 2', '--backend embedded --faults redis'].map((l) => {
      try {
        parse(l);
        return '';
      } catch (err) {
        return (err as Error).message;
      }
    })) {
      expect(message.split('\n')).toHaveLength(1);
    }
  });

  test('the seed replay line draws the very same schedule', () => {
    const first = parse('--minutes 2 --faults kill,redis --clients 6 --rooms 2 --rate 3 --drain 30').schedule;
    expect(parse(seedArgs(first).join(' ')).schedule).toEqual(first);
  });

  test('--schedule replays a written schedule with its own options, relative to the caller', () => {
    const dir = mkdtempSync(join(os.tmpdir(), 'chaos-options-'));
    const written = parse('--seed 9 --minutes 1').schedule;
    writeFileSync(join(dir, 'schedule.json'), JSON.stringify(written));
    expect(parseChaosArgs(['--schedule', 'schedule.json', '--out', 'x'], { cwd: dir })).toMatchObject({ schedule: written, outDir: 'x' });
    expect(() => parseChaosArgs(['--schedule', 'schedule.json', '--servers', '3'], { cwd: dir })).toThrow(
      '--schedule replays the options it was written with: drop --servers',
    );
  });
});
