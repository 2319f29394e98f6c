import { packageOf, summarizeProfile, type CpuProfile } from './profile-summary';

const frame = (functionName: string, url = '') => ({ functionName, url, lineNumber: 0 });

describe('summarizeProfile', () => {
  // root → handler (app/server) → encode (socket.io-parser); plus idle and GC.
  const profile: CpuProfile = {
    nodes: [
      { id: 1, callFrame: frame('(root)'), children: [2, 4, 5] },
      { id: 2, callFrame: frame('handler', 'file:///r/app/server/dist/transport/socket.js'), children: [3] },
      { id: 3, callFrame: frame('encode', 'file:///r/node_modules/socket.io-parser/build/cjs/index.js') },
      { id: 4, callFrame: frame('(idle)') },
      { id: 5, callFrame: frame('(garbage collector)') },
    ],
    startTime: 0,
    endTime: 10_000,
    samples: [2, 3, 3, 3, 4, 4, 4, 4, 4, 5],
    timeDeltas: [1000, 1000, 1000, 1000, 1000, 1000, 1000, 1000, 1000, 1000],
  };

  it('splits busy time by package and function, self and inclusive, leaving idle out of the shares', () => {
    const s = summarizeProfile(profile);
    expect(s).toMatchObject({ totalMs: 10, idleMs: 5, gcMs: 1 });
    expect(s.byPackage).toEqual([
      { name: 'socket.io-parser', ms: 3, pct: 60 },
      { name: 'app/server', ms: 1, pct: 20 },
      { name: '(garbage collector)', ms: 1, pct: 20 },
    ]);
    expect(s.byInclusive[0]).toEqual({ name: 'handler app/server/dist/transport/socket.js:1', ms: 4, pct: 80 });
    expect(s.bySelf[0]!.name).toBe('encode socket.io-parser/build/cjs/index.js:1');
  });

  it('names packages, scoped ones too', () => {
    expect(packageOf('file:///x/node_modules/@aws-sdk/core/dist/a.js')).toBe('@aws-sdk/core');
    expect(packageOf('file:///x/node_modules/a/node_modules/ws/lib/sender.js')).toBe('ws');
    expect(packageOf('node:internal/streams/writable')).toBe('node:internal');
    expect(packageOf('')).toBe('(native)');
  });
});
