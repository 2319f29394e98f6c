import { TestBed } from '@angular/core/testing';
import { App } from './app';
import { RoomMessages } from './messages/room-messages';
import { FakeChatSocket, provideFakeSocket } from './testing/fake-chat-socket';

describe('App', () => {
  it('skips to the message box by focusing it, without navigating (the page has <base href="/">)', async () => {
    TestBed.configureTestingModule({ providers: [provideFakeSocket(new FakeChatSocket())] });
    const fixture = TestBed.createComponent(App);
    await fixture.whenStable();
    const el = fixture.nativeElement as HTMLElement;
    // The app renders the chat page itself (no router outlet): its composer's box when a name is known, else a stand-in.
    const own = document.getElementById('composer-text');
    const box = own ?? document.createElement('textarea');
    box.id = 'composer-text';
    if (!own) document.body.append(box);
    try {
      const skip = [...el.querySelectorAll<HTMLElement>('.skip-link')];
      expect(skip.map((s) => s.tagName)).toEqual(['BUTTON']);
      skip[0]!.click();
      expect(document.activeElement).toBe(box);
    } finally {
      if (!own) box.remove();
    }
  });

  it('shows a refused join in the status banner', async () => {
    const socket = new FakeChatSocket();
    socket.refuseJoin = { code: 'unavailable', message: 'busy' };
    TestBed.configureTestingModule({ providers: [provideFakeSocket(socket)] });
    history.replaceState(null, '', '/r/team');
    const fixture = TestBed.createComponent(App);
    await fixture.whenStable();
    await TestBed.inject(RoomMessages).enter('team');
    await fixture.whenStable();
    history.replaceState(null, '', '/');
    expect((fixture.nativeElement as HTMLElement).querySelector('[role=status] [data-status=join-failed]')?.textContent).toMatch(
      /Not receiving new messages in #team: busy/,
    );
  });
});
