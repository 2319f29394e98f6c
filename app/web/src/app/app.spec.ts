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
      skip[0].click();
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

  it("a newcomer gets the name form (a chunk of its own) in the composer's place; Change name opens it in the header", async () => {
    localStorage.clear();
    TestBed.configureTestingModule({ providers: [provideFakeSocket(new FakeChatSocket())] });
    const fixture = TestBed.createComponent(App);
    const el = fixture.nativeElement as HTMLElement;
    await vi.waitFor(async () => {
      await fixture.whenStable();
      expect(el.querySelector('.composer-slot #name-input')).not.toBeNull();
    });
    const input = el.querySelector<HTMLInputElement>('#name-input')!;
    input.value = 'Ann';
    input.dispatchEvent(new Event('input'));
    el.querySelector<HTMLFormElement>('.identity-form')!.dispatchEvent(new Event('submit'));
    await fixture.whenStable();
    expect(el.querySelector('.me-name')!.textContent).toBe('Ann');
    [...el.querySelectorAll('button')].find((b) => b.textContent.trim() === 'Change name')!.click();
    await vi.waitFor(async () => {
      await fixture.whenStable();
      expect(el.querySelector<HTMLInputElement>('#name-panel #name-input')?.value).toBe('Ann');
    });
    [...el.querySelectorAll<HTMLButtonElement>('#name-panel button')].find((b) => b.textContent === 'Cancel')!.click();
    await fixture.whenStable();
    expect(el.querySelector('#name-panel')).toBeNull();
  });
});
