import { Component } from '@angular/core';
import { TestBed } from '@angular/core/testing';
import { PresenceStore } from '../presence/presence-store';
import { ActiveRoom } from '../rooms/active-room';
import { FakeChatSocket, provideFakeSocket } from '../testing/fake-chat-socket';
import { MentionComplete } from './mention-complete';

/** As in the composer: the message box, whose Enter sends, and the completion in the same form (mounted after it). */
@Component({
  imports: [MentionComplete],
  template: `<form><textarea (keydown.enter)="sent = sent + 1"></textarea><app-mention-complete /></form>`,
})
class Host {
  sent = 0;
}

async function setup() {
  const socket = new FakeChatSocket();
  TestBed.configureTestingModule({ providers: [provideFakeSocket(socket)] });
  TestBed.inject(ActiveRoom).set('global');
  TestBed.inject(PresenceStore).apply({
    room: 'global',
    members: [
      { clientId: socket.clientId, author: 'Ann' },
      { clientId: 'b', author: 'Bob' },
      { clientId: 'c', author: 'Bea' },
      { clientId: 'd', author: 'Cy' },
    ],
    count: 4,
  });
  const fixture = TestBed.createComponent(Host);
  await fixture.whenStable();
  const el = fixture.nativeElement as HTMLElement;
  const box = el.querySelector('textarea')!;
  const type = async (value: string) => {
    box.value = value;
    box.setSelectionRange(value.length, value.length);
    box.dispatchEvent(new Event('input'));
    await fixture.whenStable();
  };
  const key = async (key: string) => {
    const event = new KeyboardEvent('keydown', { key, cancelable: true, bubbles: true });
    box.dispatchEvent(event);
    await fixture.whenStable();
    return event;
  };
  const options = () =>
    [...el.querySelectorAll('[role=option]')].map((o) => `${o.textContent.trim()}${o.getAttribute('aria-selected') === 'true' ? '*' : ''}`);
  return { fixture, el, box, type, key, options };
}

describe('MentionComplete', () => {
  it("offers the room's other members as one types @, chosen with the arrows and taken with Enter, which does not send", async () => {
    const { fixture, box, type, key, options } = await setup();
    await type('hi @');
    expect(options()).toEqual(['@Bea*', '@Bob', '@Cy']);
    expect(box.getAttribute('aria-controls')).toBe('mention-options');
    await type('hi @b');
    expect(options()).toEqual(['@Bea*', '@Bob']);
    await key('ArrowDown');
    expect(options()).toEqual(['@Bea', '@Bob*']);
    expect(box.getAttribute('aria-activedescendant')).toBe('mention-1');
    const enter = await key('Enter');
    expect(enter.defaultPrevented).toBe(true);
    expect(fixture.componentInstance.sent).toBe(0);
    expect(box.value).toBe('hi @Bob ');
    expect(options()).toEqual([]);
    expect(box.getAttribute('aria-activedescendant')).toBeNull();
    // Not in a mention: Enter is the composer's again.
    await key('Enter');
    expect(fixture.componentInstance.sent).toBe(1);
  });

  it('closes on Escape and offers nothing for an e-mail address or oneself', async () => {
    const { type, key, options } = await setup();
    await type('@C');
    expect(options()).toEqual(['@Cy*']);
    await key('Escape');
    expect(options()).toEqual([]);
    await type('mail ann@b');
    expect(options()).toEqual([]);
    await type('@An');
    expect(options()).toEqual([]);
    await type('hi @cy');
    expect(options()).toEqual([]);
  });
});
