import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { drawSchedule, FAULT_KINDS, parseSchedule, readSchedule, ScheduleError, type Schedule, type ScheduleShape } from './schedule';
import { planClients } from './workload';

const shape = (over: Partial<ScheduleShape> = {}): ScheduleShape => ({
  seed: 1,
  backend: 'moto',
  servers: 2,
  durationMs: 300_000,
  drainMs: 120_000,
  clients: 8,
  rooms: 3,
  rate: 4,
  kinds: [...FAULT_KINDS],
  ...over,
});

describe('chaos schedule', () => {
  test('the same seed draws the same schedule; another seed another one', () => {
    expect(drawSchedule(shape())).toEqual(drawSchedule(shape()));
    expect(drawSchedule(shape({ seed: 2 })).faults).not.toEqual(drawSchedule(shape()).faults);
  });

  test('faults one after the other inside the chatting, every kind once before any twice, servers in range', () => {
    for (let seed = 0; seed < 50; seed++) {
      const s = drawSchedule(shape({ seed }));
      const first = s.faults.slice(0, FAULT_KINDS.length).map((f) => f.kind);
      expect(new Set(first).size).toBe(FAULT_KINDS.length);
      let end = 0;
      for (const f of s.faults) {
        expect(f.at).toBeGreaterThan(end);
        end = f.at + f.holdMs;
        expect(end).toBeLessThan(s.durationMs);
        if (['kill', 'term', 'partition'].includes(f.kind)) expect([1, 2]).toContain(f.server);
        else expect(f.server).toBeUndefined();
      }
    }
  });

  test('only the kinds asked for', () => {
    const s = drawSchedule(shape({ backend: 'embedded', servers: 1, kinds: ['kill', 'term'] }));
    expect(s.faults.length).toBeGreaterThan(5);
    expect(new Set(s.faults.map((f) => f.kind))).toEqual(new Set(['kill', 'term']));
  });

  test('a written schedule reads back as it was; a bad one is refused with what is wrong', () => {
    const s = drawSchedule(shape());
    const dir = mkdtempSync(join(os.tmpdir(), 'chaos-schedule-'));
    writeFileSync(join(dir, 'schedule.json'), JSON.stringify(s));
    expect(readSchedule(join(dir, 'schedule.json'))).toEqual(s);

    const bad = (over: Record<string, unknown>) => () => parseSchedule({ ...s, ...over });
    expect(bad({ version: 2 })).toThrow('version must be 1');
    expect(bad({ backend: 'aws' })).toThrow('backend must be moto or embedded');
    expect(bad({ rooms: 9 })).toThrow('every room needs a member');
    expect(bad({ faults: [{ at: 1000, kind: 'flood', holdMs: 1 }] })).toThrow('faults[0].kind');
    expect(bad({ faults: [{ at: 1000, kind: 'kill', server: 3, holdMs: 1 }] })).toThrow('faults[0].server must be 1 to 2');
    expect(bad({ backend: 'embedded', servers: 1, kinds: ['kill'], faults: [{ at: 1, kind: 'freeze', holdMs: 1 }] })).toThrow(
      'its faults are kill, term, not freeze',
    );
    writeFileSync(join(dir, 'broken.json'), '{');
    expect(() => readSchedule(join(dir, 'broken.json'))).toThrow(ScheduleError);
    expect(() => readSchedule(join(dir, 'none.json'))).toThrow('cannot read');
  });

  test('the workload: every room has a member, each client in two rooms, the same rooms for the same seed', () => {
    const s: Pick<Schedule, 'seed' | 'clients' | 'rooms' | 'rate'> = { seed: 5, clients: 4, rooms: 4, rate: 2 };
    const plans = planClients(s);
    expect(new Set(plans.flatMap((p) => p.rooms)).size).toBe(4);
    for (const p of plans) expect(new Set(p.rooms).size).toBe(2);
    expect(plans.map((p) => p.rooms)).toEqual(planClients(s).map((p) => p.rooms));
    // Each client sends every clients / rate seconds, their turns spread over that period.
    expect(plans.map((p) => p.offsetMs)).toEqual([0, 500, 1000, 1500]);
    expect(plans[0]!.periodMs).toBe(2000);
  });
});
