import { TestBed } from '@angular/core/testing';
import { RoomUrl, roomFromPath, roomPath } from './room-url';

describe('room URL', () => {
  afterEach(() => history.replaceState(null, '', '/'));

  it('reads /r/<room>, decoded, and nothing else', () => {
    expect(roomFromPath('/r/team')).toBe('team');
    expect(roomFromPath('/r/team/')).toBe('team');
    expect(roomFromPath('/r/Team%20Chat')).toBe('Team Chat');
    expect(roomFromPath('/r/%E0')).toBe('%E0');
    expect(roomFromPath('/')).toBeUndefined();
    expect(roomFromPath('/r/')).toBeUndefined();
    expect(roomFromPath('/r/a/b')).toBeUndefined();
    expect(roomFromPath('/elsewhere')).toBeUndefined();
    expect(roomPath('a b')).toBe('/r/a%20b');
  });

  it('sends any other path to /r/global and follows Back', async () => {
    history.replaceState(null, '', '/nowhere');
    const url = TestBed.inject(RoomUrl);
    expect(location.pathname).toBe('/r/global');
    expect(url.room()).toBe('global');

    url.go('team');
    expect(location.pathname).toBe('/r/team');
    expect(url.room()).toBe('team');

    url.go('fixed', { replace: true });
    history.back();
    await new Promise((r) => addEventListener('popstate', r, { once: true }));
    expect(url.room()).toBe('global');
  });
});
