import { cpuBetween } from './servers';

describe('cpuBetween', () => {
  // 1 s of CPU per 2 s of wall clock, then idle.
  const samples = [
    { at: 1000, cpuMs: 0 },
    { at: 3000, cpuMs: 1000 },
    { at: 5000, cpuMs: 2000 },
    { at: 7000, cpuMs: 2000 },
  ];

  it('takes the CPU used inside the window, interpolating between samples', () => {
    expect(cpuBetween(samples, 1000, 5000)).toBe(2000);
    expect(cpuBetween(samples, 2000, 4000)).toBe(1000);
    expect(cpuBetween(samples, 4000, 7000)).toBe(500);
  });

  it('says nothing when the samples do not cover the window', () => {
    expect(cpuBetween(samples, 500, 4000)).toBeUndefined();
    expect(cpuBetween(samples, 2000, 8000)).toBeUndefined();
    expect(cpuBetween([{ at: 0, cpuMs: 0 }], 0, 0)).toBeUndefined();
  });
});
