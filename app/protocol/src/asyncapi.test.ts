/**
 * docs/asyncapi.yaml against the code: a valid AsyncAPI document (the AsyncAPI parser), one channel and operation
 * per Socket.IO event of the event maps (events.ts) and no other, and every payload and ack schema the JSON Schema
 * that zod writes for the event's schema (event-schemas.ts). Each failure says what to add or change, and where.
 */
import fs from 'node:fs';
import path from 'node:path';
import ts from 'typescript';
import { z } from 'zod';
import { Parser, type AsyncAPIDocumentInterface, type MessageInterface } from '@asyncapi/parser';
import { clientEventSchemas, serverEventSchemas } from './event-schemas';
import { handshakeAuthSchema } from './schemas';

const DOC_PATH = path.join(__dirname, '../../../docs/asyncapi.yaml');
const DOC = 'docs/asyncapi.yaml';
const TABLE = 'app/protocol/src/event-schemas.ts';
const EVENTS = 'app/protocol/src/events.ts';

/** The operations that make up protocol v1, the frozen external contract; anything added later is tagged `addition`. */
const V1_OPERATIONS = ['sendMessage', 'join', 'emitNewMessage'];

// ---- The event maps, read from events.ts itself (jest strips types, so they are parsed, not imported). ----

type Ack = 'optional' | 'required' | 'none';

function readEventMap(name: 'ClientToServerEvents' | 'ServerToClientEvents'): Map<string, Ack> {
  const file = path.join(__dirname, 'events.ts');
  const source = ts.createSourceFile(file, fs.readFileSync(file, 'utf8'), ts.ScriptTarget.Latest);
  const events = new Map<string, Ack>();
  for (const statement of source.statements) {
    if (!ts.isInterfaceDeclaration(statement) || statement.name.text !== name) continue;
    for (const member of statement.members) {
      const parameters = ts.isMethodSignature(member)
        ? member.parameters
        : ts.isPropertySignature(member) && member.type && ts.isFunctionTypeNode(member.type)
          ? member.type.parameters
          : undefined;
      if (!parameters || !member.name || !ts.isIdentifier(member.name))
        throw new Error(`${EVENTS}: ${name} has a member that is not an event`);
      const ack = parameters[1];
      events.set(member.name.text, ack === undefined ? 'none' : ack.questionToken ? 'optional' : 'required');
    }
  }
  if (events.size === 0) throw new Error(`${EVENTS}: no interface ${name}`);
  return events;
}

const clientEvents = readEventMap('ClientToServerEvents');
const serverEvents = readEventMap('ServerToClientEvents');
const emitOperation = (event: string) => `emit${event[0]!.toUpperCase()}${event.slice(1)}`;

// ---- JSON Schema comparison ----

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type Schema = { [key: string]: Json };

/** Words for people and tools, not rules: the document has them, zod's output mostly does not. */
const ANNOTATIONS = new Set(['$schema', 'description', 'title', 'examples', '$comment']);

/** zod writes JavaScript's safe-integer bounds into every integer; the document leaves them out. */
function normalize(schema: Schema): Schema {
  const out: Schema = {};
  for (const [key, value] of Object.entries(schema)) {
    if (ANNOTATIONS.has(key) || key.startsWith('x-')) continue;
    if (schema['type'] === 'integer' && key === 'minimum' && value === Number.MIN_SAFE_INTEGER) continue;
    if (schema['type'] === 'integer' && key === 'maximum' && value === Number.MAX_SAFE_INTEGER) continue;
    out[key] = value;
  }
  return out;
}

const isSchema = (v: Json | undefined): v is Schema => typeof v === 'object' && v !== null && !Array.isArray(v);
const show = (v: Json | undefined) => (v === undefined ? 'nothing' : JSON.stringify(v));

/**
 * Every difference between zod's JSON Schema and the document's, as `<where>: <what to do>`. `where` is the place
 * to edit: a named schema (`components.schemas.Room`, which the parser marks with its name) or the path to it.
 */
function schemaDifferences(zodSide: Schema, docSide: Schema, path: string): string[] {
  const named = docSide['x-parser-schema-id'];
  const where = typeof named === 'string' && !named.startsWith('<') ? `components.schemas.${named}` : path;
  const a = normalize(zodSide);
  const b = normalize(docSide);
  const out: string[] = [];
  for (const key of new Set([...Object.keys(a), ...Object.keys(b)])) {
    const at = `${where}.${key}`;
    const x = a[key];
    const y = b[key];
    if (key === 'properties' && isSchema(x) && isSchema(y)) {
      for (const name of new Set([...Object.keys(x), ...Object.keys(y)])) {
        const [px, py] = [x[name], y[name]];
        if (!isSchema(py)) out.push(`${at}.${name}: missing from ${DOC}; add ${show(normalize(px as Schema))}`);
        else if (!isSchema(px)) out.push(`${at}.${name}: in ${DOC} but not in the zod schema; remove it, or add it to the schema first`);
        else out.push(...schemaDifferences(px, py, `${at}.${name}`));
      }
    } else if ((key === 'required' || key === 'enum') && Array.isArray(x) && Array.isArray(y)) {
      // Sets: the order of either list means nothing.
      const [sx, sy] = [x.map((v) => JSON.stringify(v)), y.map((v) => JSON.stringify(v))];
      const add = sx.filter((v) => !sy.includes(v));
      const remove = sy.filter((v) => !sx.includes(v));
      if (add.length > 0) out.push(`${at}: add ${add.join(', ')} (the zod schema has ${add.length > 1 ? 'them' : 'it'})`);
      if (remove.length > 0)
        out.push(`${at}: remove ${remove.join(', ')} (the zod schema does not have ${remove.length > 1 ? 'them' : 'it'})`);
    } else if ((key === 'anyOf' || key === 'oneOf' || key === 'allOf') && Array.isArray(x) && Array.isArray(y)) {
      if (x.length !== y.length) out.push(`${at}: the zod schema has ${x.length} alternatives, ${DOC} has ${y.length}`);
      else x.forEach((branch, i) => out.push(...schemaDifferences(branch as Schema, y[i] as Schema, `${at}[${i}]`)));
    } else if (isSchema(x) && isSchema(y)) {
      out.push(...schemaDifferences(x, y, at));
    } else if (JSON.stringify(x) !== JSON.stringify(y)) {
      out.push(`${at}: the zod schema says ${show(x)}, ${DOC} says ${show(y)}`);
    }
  }
  return out;
}

/**
 * zod's JSON Schema of what a client may send or must read. `input` for both: a z.object then accepts unknown keys,
 * as a client must accept fields added later; a z.strictObject (what the server accepts) stays closed.
 */
const jsonSchemaOf = (schema: z.ZodType): Schema => z.toJSONSchema(schema, { target: 'draft-7', io: 'input' }) as Schema;

/** `components.messages.<Name>` for a channel's message, found by identity: the parser shares dereferenced objects. */
function messagePath(message: MessageInterface, fallback: string): string {
  const components = (doc.json().components?.messages ?? {}) as Record<string, unknown>;
  const name = Object.keys(components).find((key) => components[key] === message.json());
  return name === undefined ? fallback : `components.messages.${name}`;
}

function payloadDifferences(schema: z.ZodType, message: MessageInterface | undefined, channelPath: string): string[] {
  if (!message) return []; // the structure test says what is missing
  const where = messagePath(message, channelPath);
  const payload = message.payload()?.json() as Schema | undefined;
  if (!payload) return [`${where}: the message has no payload; give it ${JSON.stringify(normalize(jsonSchemaOf(schema)))}`];
  return schemaDifferences(jsonSchemaOf(schema), payload, `${where}.payload`);
}

function exampleProblems(schema: z.ZodType, message: MessageInterface | undefined, channelPath: string): string[] {
  if (!message) return [];
  const where = messagePath(message, channelPath);
  const examples = message.examples().all();
  if (examples.length === 0) return [`${where}: give it an example (examples: [{ payload: … }])`];
  return examples.flatMap((example, i) => {
    const parsed = schema.safeParse(example.payload());
    const name = example.name() ?? `#${i}`;
    if (parsed.success) return [];
    const issues = parsed.error.issues.map((issue) => {
      const at = issue.path.join('.');
      return at && !issue.message.startsWith(`${at}:`) ? `${at}: ${issue.message}` : issue.message;
    });
    return [`${where}: example ${name} does not pass the zod schema: ${issues.join('; ')}`];
  });
}

/** Passes with no problem; else lists them, each once (a shared component can be reached by several paths). */
const expectNoProblems = (problems: string[]) => expect([...new Set(problems)]).toEqual([]);

// ---- The document ----

let doc: AsyncAPIDocumentInterface;
let diagnostics: { severity: number; code: string | number; message: string; path: (string | number)[] }[];

beforeAll(async () => {
  const parsed = await new Parser().parse(fs.readFileSync(DOC_PATH, 'utf8'), { source: DOC_PATH });
  diagnostics = parsed.diagnostics;
  if (!parsed.document)
    throw new Error(`${DOC} does not parse:\n${diagnostics.map((d) => `${d.path.join('.')}: ${d.message}`).join('\n')}`);
  doc = parsed.document;
});

const channel = (id: string) => doc.channels().get(id);
const operation = (id: string) => doc.operations().get(id);
const channelMessage = (event: string, key: string) => channel(event)?.messages().get(key);

// ---- What the document must have for each event ----

/** One operation per event: the event's name for client → server, `emit<Event>` for server → client. */
interface ExpectedOperation {
  id: string;
  event: string;
  direction: 'client → server' | 'server → client';
  action: 'receive' | 'send';
  message: 'fromClient' | 'fromServer';
  ack: Ack;
}
const expectedOperations: ExpectedOperation[] = [
  ...[...clientEvents].map(([event, ack]): ExpectedOperation => ({
    id: event,
    event,
    direction: 'client → server',
    action: 'receive',
    message: 'fromClient',
    ack,
  })),
  ...[...serverEvents.keys()].map((event): ExpectedOperation => ({
    id: emitOperation(event),
    event,
    direction: 'server → client',
    action: 'send',
    message: 'fromServer',
    ack: 'none',
  })),
];

const ref = (p: string) => `{ $ref: '#/${p}' }`;
const ids = (collection: { all(): { id(): string }[] }) => collection.all().map((x) => x.id());

function operationProblems({ id, event, direction, action, message, ack }: ExpectedOperation): string[] {
  const at = `operations.${id}`;
  const reply = `reply: { x-ack: ${ack}, channel: ${ref(`channels/${event}`)}, messages: [${ref(`channels/${event}/messages/ack`)}] }`;
  const op = operation(id);
  if (!op) {
    const fields = [
      `action: ${action}`,
      `channel: ${ref(`channels/${event}`)}`,
      `messages: [${ref(`channels/${event}/messages/${message}`)}]`,
    ];
    if (ack !== 'none') fields.push(reply);
    fields.push(`tags: [${ref('components/tags/addition')}]`);
    return [`${at}: missing (${direction} event ${event}); add ${id}: { ${fields.join(', ')} }`];
  }
  const problems: string[] = [];
  if (op.action() !== action) problems.push(`${at}.action: ${action} (a ${direction} event), not ${op.action()}`);
  if (ids(op.channels())[0] !== event) problems.push(`${at}.channel: ${ref(`channels/${event}`)}`);
  const messages = ids(op.messages());
  if (messages.join() !== message)
    problems.push(`${at}.messages: [${ref(`channels/${event}/messages/${message}`)}], not [${messages.join(', ')}]`);
  const opReply = op.reply();
  if (ack === 'none') {
    if (opReply) problems.push(`${at}.reply: remove it (${event} has no ack in ${EVENTS})`);
  } else if (!opReply) {
    problems.push(`${at}.reply: missing; add ${reply}`);
  } else {
    if (opReply.channel()?.id() !== event) problems.push(`${at}.reply.channel: ${ref(`channels/${event}`)}`);
    const replies = ids(opReply.messages());
    if (replies.join() !== 'ack')
      problems.push(`${at}.reply.messages: [${ref(`channels/${event}/messages/ack`)}], not [${replies.join(', ')}]`);
    const declared = opReply.json()['x-ack'];
    if (declared !== ack) problems.push(`${at}.reply.x-ack: ${ack} (the ack parameter in ${EVENTS} is ${ack}), not ${String(declared)}`);
  }
  return problems;
}

describe(DOC, () => {
  test('is a valid AsyncAPI document: no errors, no warnings', () => {
    // Severity 0 is an error, 1 a warning; information and hints (2, 3) do not fail the test.
    const problems = diagnostics.filter((d) => d.severity <= 1).map((d) => `${d.path.join('.') || '(root)'}: ${d.message} (${d.code})`);
    expectNoProblems(problems);
  });

  test(`every event of the event maps has its schemas in ${TABLE}, and no other`, () => {
    const problems: string[] = [];
    const check = (events: Map<string, Ack>, table: object, tableName: string, map: string) => {
      for (const [event, ack] of events)
        if (!(event in table))
          problems.push(
            `${event}: add it to ${tableName} in ${TABLE} (its ${ack === 'none' ? 'payload schema' : 'payload and ack schemas'})`,
          );
      for (const event of Object.keys(table))
        if (!events.has(event)) problems.push(`${tableName}.${event}: not an event of ${map} in ${EVENTS}`);
    };
    check(clientEvents, clientEventSchemas, 'clientEventSchemas', 'ClientToServerEvents');
    check(serverEvents, serverEventSchemas, 'serverEventSchemas', 'ServerToClientEvents');
    expectNoProblems(problems);
  });

  test('has one channel and one operation per event, shaped as the event (payload, ack), and nothing else', () => {
    const problems = expectedOperations.flatMap(operationProblems);
    const expectedChannels = new Map<string, Set<string>>();
    for (const { event, message, ack } of expectedOperations) {
      const keys = expectedChannels.get(event) ?? new Set<string>();
      expectedChannels.set(event, keys.add(message));
      if (ack !== 'none') keys.add('ack');
    }
    for (const [event, keys] of expectedChannels) {
      const ch = channel(event);
      if (!ch) {
        const messages = [...keys].map((k) => `${k}: ${ref('components/messages/<Name>')}`).join(', ');
        problems.push(`channels.${event}: missing; add ${event}: { address: ${event}, description: …, messages: { ${messages} } }`);
        continue;
      }
      if (ch.address() !== event)
        problems.push(`channels.${event}.address: ${event} (the Socket.IO event name), not ${String(ch.address())}`);
      const present = ids(ch.messages());
      for (const k of keys)
        if (!present.includes(k)) problems.push(`channels.${event}.messages.${k}: missing; add ${k}: ${ref('components/messages/<Name>')}`);
      for (const k of present)
        if (!keys.has(k)) problems.push(`channels.${event}.messages.${k}: ${event} has no such message in ${EVENTS}; remove it`);
    }
    for (const ch of doc.channels().all())
      if (!expectedChannels.has(ch.id()))
        problems.push(`channels.${ch.id()}: not an event of ${EVENTS}; remove it, or add the event there first`);
    for (const op of doc.operations().all())
      if (!expectedOperations.some((e) => e.id === op.id()))
        problems.push(
          `operations.${op.id()}: not an event of ${EVENTS} (client → server operations are named as the event, server → client ones emit<Event>)`,
        );
    expectNoProblems(problems);
  });

  test.each([...clientEvents.keys()])('client → server %s: payload and ack are the zod schemas, examples pass them', (event) => {
    const schemas = (clientEventSchemas as Record<string, { payload: z.ZodType; ack?: z.ZodType }>)[event];
    if (!schemas) return; // the table test names it
    const problems = [
      ...payloadDifferences(schemas.payload, channelMessage(event, 'fromClient'), `channels.${event}.messages.fromClient`),
      ...exampleProblems(schemas.payload, channelMessage(event, 'fromClient'), `channels.${event}.messages.fromClient`),
    ];
    if (schemas.ack) {
      problems.push(
        ...payloadDifferences(schemas.ack, channelMessage(event, 'ack'), `channels.${event}.messages.ack`),
        ...exampleProblems(schemas.ack, channelMessage(event, 'ack'), `channels.${event}.messages.ack`),
      );
    }
    expectNoProblems(problems);
  });

  test.each([...serverEvents.keys()])('server → client %s: payload is the zod schema, examples pass it', (event) => {
    const schema = (serverEventSchemas as Record<string, z.ZodType>)[event];
    if (!schema) return; // the table test names it
    const where = `channels.${event}.messages.fromServer`;
    expectNoProblems([
      ...payloadDifferences(schema, channelMessage(event, 'fromServer'), where),
      ...exampleProblems(schema, channelMessage(event, 'fromServer'), where),
    ]);
  });

  test('components.schemas.HandshakeAuth is the handshake auth zod schema', () => {
    const documented = doc.components().schemas().get('HandshakeAuth')?.json() as Schema | undefined;
    expectNoProblems(
      documented
        ? schemaDifferences(jsonSchemaOf(handshakeAuthSchema), documented, 'components.schemas.HandshakeAuth')
        : ['components.schemas.HandshakeAuth: missing; add the handshake auth schema (handshakeAuthSchema)'],
    );
  });

  test(`v1 stays as it was: only ${V1_OPERATIONS.join(', ')} are tagged v1, every other operation addition`, () => {
    const problems = doc
      .operations()
      .all()
      .flatMap((op) => {
        const tags = op
          .tags()
          .all()
          .map((t) => t.name())
          .filter((t) => t === 'v1' || t === 'addition');
        const wanted = V1_OPERATIONS.includes(op.id() ?? '') ? 'v1' : 'addition';
        return tags.join() === wanted
          ? []
          : [`operations.${op.id()}.tags: [{ $ref: '#/components/tags/${wanted}' }], not [${tags.join(', ')}]`];
      });
    expectNoProblems(problems);
  });
});
