import { AUTHOR_MAX, parseWith, sendMessageSchema, TEXT_MAX } from '@chat/protocol';
import { parseSendMessage } from './send-message-input';

// The quick path must answer exactly as zod does, on valid and invalid payloads alike.
const base = { id: 'a1', author: 'ann', text: 'hi' };
const cases: unknown[] = [
  base,
  { ...base, room: 'team-chat_2' },
  { ...base, room: undefined },
  { ...base, author: '  ann  ' },
  { ...base, author: '🙂'.repeat(AUTHOR_MAX) },
  { ...base, author: '🙂'.repeat(AUTHOR_MAX + 1) },
  { ...base, author: ' ' },
  { ...base, author: 'tab\there' },
  { ...base, author: 7 },
  { ...base, text: 'line\nbreak\tand tab' },
  { ...base, text: 'a'.repeat(TEXT_MAX) },
  { ...base, text: 'a'.repeat(TEXT_MAX + 1) },
  { ...base, text: '🙂'.repeat(TEXT_MAX) },
  { ...base, text: '   ' },
  { ...base, text: 'bell\u0007' },
  { ...base, text: 'c1\u0085' },
  { ...base, text: null },
  { ...base, id: '' },
  { ...base, id: 'x'.repeat(64) },
  { ...base, id: 'x'.repeat(65) },
  { ...base, id: 'no spaces' },
  { ...base, id: 5 },
  { ...base, room: 'UPPER' },
  { ...base, room: 'x'.repeat(65) },
  { ...base, room: 3 },
  { ...base, extra: 1 },
  { ...base, text: undefined },
  { ...base, text: undefined, image: { key: 'rooms/global/01ARZ3NDEKTSV4RRFFQ69G5FAV.png' } },
  { ...base, image: { key: 'rooms/global/01ARZ3NDEKTSV4RRFFQ69G5FAV.png' } },
  { ...base, deleteKey: 'k'.repeat(22) },
  { id: 'a', author: 'ann' },
  Object.assign(Object.create({ inherited: 1 }), base),
  [base],
  null,
  'a bare string',
  42,
];

test.each(cases.map((c, i) => [i, c]))('case %i: same answer as sendMessageSchema', (_i, input) => {
  expect(parseSendMessage(input)).toEqual(parseWith(sendMessageSchema, input));
});
