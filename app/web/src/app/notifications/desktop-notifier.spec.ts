import { TestBed } from '@angular/core/testing';
import { formatSeq, type ChatMessage } from '@chat/protocol';
import { FakeChatSocket, provideFakeSocket } from '../testing/fake-chat-socket';
import { DesktopNotifier } from './desktop-notifier';
import { PageVisibility } from '../shared/page-visibility';

const msg = (id: string, room = 'global'): ChatMessage => ({
  id,
  room,
  author: 'Bo',
  text: `hello ${id}`,
  sentAt: new Date().toISOString(),
  seq: formatSeq(1),
});

/** The browser's Notification API, at its boundary: records what the page shows and answers the permission prompt. */
function stubNotifications(answer: NotificationPermission) {
  const shown: { title: string; body?: string }[] = [];
  const api = class {
    static permission: NotificationPermission = 'default';
    static requestPermission = vi.fn(async () => (api.permission = answer));
    onclick: (() => void) | null = null;
    constructor(title: string, options?: NotificationOptions) {
      shown.push({ title, body: options?.body });
    }
    close(): void {}
  };
  vi.stubGlobal('Notification', api);
  return { api, shown };
}

function setup() {
  localStorage.clear();
  const socket = new FakeChatSocket();
  TestBed.configureTestingModule({ providers: [provideFakeSocket(socket)] });
  return { socket, notifier: TestBed.inject(DesktopNotifier), page: TestBed.inject(PageVisibility) };
}

describe('DesktopNotifier', () => {
  afterEach(() => vi.unstubAllGlobals());

  it('notifies nothing until the reader opts in, then only for a background tab', async () => {
    const { api, shown } = stubNotifications('granted');
    const { socket, notifier, page } = setup();
    page.visible.set(false);
    socket.emit('newMessage', msg('m1'));
    expect(shown).toEqual([]);
    expect(api.requestPermission).not.toHaveBeenCalled();

    await notifier.enable();
    expect(notifier.state()).toBe('on');
    socket.emit('newMessage', msg('m2', 'team'));
    // The name isolated (FSI … PDI): bidi controls in it cannot turn the title around.
    expect(shown).toEqual([{ title: '\u2068Bo\u2069 in #team', body: 'hello m2' }]);

    page.visible.set(true);
    socket.emit('newMessage', msg('m3'));
    expect(shown).toHaveLength(1);

    notifier.disable();
    page.visible.set(false);
    socket.emit('newMessage', msg('m4'));
    expect(shown).toHaveLength(1);
    expect(localStorage.getItem('chat.notifications')).toBe('off');
  });

  it('says so when the browser refuses', async () => {
    stubNotifications('denied');
    const { notifier } = setup();
    await notifier.enable();
    expect(notifier.state()).toBe('denied');
  });
});
