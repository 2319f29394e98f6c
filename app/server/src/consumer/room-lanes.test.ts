import { RoomLanes } from './room-lanes';

describe('RoomLanes', () => {
  test("a room's jobs run one at a time in order; a blocked room does not hold up another", async () => {
    const lanes = new RoomLanes();
    const log: string[] = [];
    let unblock!: () => void;
    const blocked = new Promise<void>((r) => (unblock = r));
    void lanes.run('slow', async () => {
      await blocked;
      log.push('slow-1');
    });
    void lanes.run('slow', async () => {
      log.push('slow-2');
    });
    await lanes.run('fast', async () => {
      log.push('fast-1');
    });
    await lanes.run('fast', async () => {
      log.push('fast-2');
    });
    expect(log).toEqual(['fast-1', 'fast-2']);
    expect(lanes.active).toBe(1);
    unblock();
    await lanes.idle();
    expect(log).toEqual(['fast-1', 'fast-2', 'slow-1', 'slow-2']);
    expect(lanes.active).toBe(0);
  });

  test('a failing job does not stop its lane', async () => {
    const lanes = new RoomLanes();
    const log: string[] = [];
    void lanes.run('r', async () => {
      throw new Error('boom');
    });
    await lanes.run('r', async () => {
      log.push('after');
    });
    expect(log).toEqual(['after']);
  });
});
