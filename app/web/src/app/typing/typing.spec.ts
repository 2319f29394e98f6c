import { TestBed } from '@angular/core/testing';
import { TYPING_EXPIRE_MS, TYPING_THROTTLE_MS, formatSeq } from '@chat/protocol';
import { ActiveRoom } from '../rooms/active-room';
import { FakeChatSocket, provideFakeSocket } from '../testing/fake-chat-socket';
import { typingLabel } from './typing-label';
import { TypingNotifier } from './typing-notifier';
import { TypingStore } from './typing-store';

function setup() {
  localStorage.clear();
  const socket = new FakeChatSocket();
  TestBed.configureTestingModule({ providers: [provideFakeSocket(socket)] });
  TestBed.inject(ActiveRoom).set('global');
  return { socket, typing: TestBed.inject(TypingStore), notifier: TestBed.inject(TypingNotifier) };
}

const ann = { room: 'global', clientId: 'ann-browser', author: 'Ann', typing: true };
const bo = { room: 'global', clientId: 'bo-browser', author: 'Bo', typing: true };

describe('typingLabel', () => {
  it('names one or two people, and says "several" beyond', () => {
    expect(typingLabel([])).toBe('');
    // Each name isolated (FSI … PDI), so that one typed with bidi controls cannot turn the sentence around.
    expect(typingLabel(['Ann'])).toBe('\u2068Ann\u2069 is typing…');
    expect(typingLabel(['Ann', 'Bo'])).toBe('\u2068Ann\u2069 and \u2068Bo\u2069 are typing…');
    expect(typingLabel(['\u202Eevil'])).toBe('\u2068\u202Eevil\u2069 is typing…');
    expect(typingLabel(['Ann', 'Bo', 'Cy'])).toBe('Several people are typing…');
  });
});

describe('TypingStore', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('shows who types in the open room and expires an entry 5 s after its last event', () => {
    const { socket, typing } = setup();
    socket.emit('typing', ann);
    socket.emit('typing', { ...bo, room: 'elsewhere' });
    expect(typing.label()).toBe('\u2068Ann\u2069 is typing…');
    vi.advanceTimersByTime(TYPING_EXPIRE_MS - 1000);
    socket.emit('typing', ann); // still typing: the clock starts again
    vi.advanceTimersByTime(TYPING_EXPIRE_MS - 1000);
    expect(typing.names()).toEqual(['Ann']);
    vi.advanceTimersByTime(1000);
    expect(typing.names()).toEqual([]);
  });

  it("drops an entry on typing:false and on that person's message", () => {
    const { socket, typing } = setup();
    socket.emit('typing', ann);
    socket.emit('typing', bo);
    expect(typing.label()).toBe('\u2068Ann\u2069 and \u2068Bo\u2069 are typing…');
    socket.emit('typing', { ...bo, typing: false });
    expect(typing.names()).toEqual(['Ann']);
    socket.emit('newMessage', { id: 'm1', room: 'global', author: 'Ann', text: 'hi', sentAt: new Date().toISOString(), seq: formatSeq(1) });
    expect(typing.names()).toEqual([]);
  });

  it("ignores this browser's other tabs and malformed events", () => {
    const { socket, typing } = setup();
    socket.emit('typing', { ...ann, clientId: socket.clientId });
    socket.emit('typing', { room: 'global' } as never);
    socket.emit('typing', null as never);
    expect(typing.names()).toEqual([]);
  });
});

describe('TypingNotifier', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('sends typing:true at the first keystroke, then at most once per 2 s, and typing:false when emptied', () => {
    const { socket, notifier } = setup();
    notifier.input('global', 'h');
    notifier.input('global', 'he');
    vi.advanceTimersByTime(TYPING_THROTTLE_MS - 1);
    notifier.input('global', 'hel');
    expect(socket.typingSent).toEqual([{ room: 'global', typing: true }]);
    vi.advanceTimersByTime(1);
    notifier.input('global', 'hell');
    expect(socket.typingSent).toHaveLength(2);
    notifier.input('global', '  ');
    expect(socket.typingSent.at(-1)).toEqual({ room: 'global', typing: false });
    notifier.stop(); // nothing more to say
    expect(socket.typingSent).toHaveLength(3);
  });

  it('stops in the old room when the typing moves to another', () => {
    const { socket, notifier } = setup();
    notifier.input('global', 'x');
    notifier.input('team', 'y');
    expect(socket.typingSent).toEqual([
      { room: 'global', typing: true },
      { room: 'global', typing: false },
      { room: 'team', typing: true },
    ]);
  });
});
