import { Metadata } from '@grpc/grpc-js';
import { KafkaContext, MqttContext, NatsContext, RedisContext, RmqContext, TcpContext } from '@nestjs/microservices';
import { ExecutionContextHost } from '@nestjs/core/helpers/execution-context-host.js';
import { ZitadelTokenInvalidError } from '../../errors/token-invalid.error.js';
import { rpcHeadersOf } from './rpc-headers.js';
import { rpcTransport } from './rpc-transport.js';

/** NATS `MsgHdrs` as the nats package has them: names as sent, `values` per name. */
class FakeNatsHeaders {
  constructor(private readonly entries: Record<string, string[]>) {}
  keys(): string[] {
    return Object.keys(this.entries);
  }
  values(key: string): string[] {
    return this.entries[key] ?? [];
  }
}

/** Transport contexts built as Nest builds them; the shapes under test need not be complete messages. */
const tcp = (metadata: unknown) =>
  new TcpContext([{}, 'pattern', metadata] as unknown as ConstructorParameters<typeof TcpContext>[0]);
const kafka = (message: unknown) =>
  new KafkaContext([message, 0, 'topic'] as unknown as ConstructorParameters<typeof KafkaContext>[0]);

const grpc = (entries: [string, string | Buffer][]) => {
  const metadata = new Metadata();
  for (const [key, value] of entries) metadata.add(key, value);
  return metadata;
};

describe('rpcHeadersOf: the headers of each Nest transport, by shape', () => {
  it.each([
    [
      'gRPC Metadata',
      grpc([
        ['authorization', 'Bearer t'],
        ['x-org-id', 'o'],
      ]),
    ],
    [
      'NATS headers',
      new NatsContext(['subject', new FakeNatsHeaders({ Authorization: ['Bearer t'], 'X-Org-Id': ['o'] })]),
    ],
    ['Kafka headers (Buffers)', kafka({ headers: { authorization: Buffer.from('Bearer t'), 'x-org-id': 'o' } })],
    [
      'RabbitMQ message properties',
      new RmqContext([{ properties: { headers: { Authorization: 'Bearer t', 'x-org-id': 'o' } } }, {}, 'pattern']),
    ],
    [
      'MQTT 5 user properties',
      new MqttContext(['topic', { properties: { userProperties: { authorization: 'Bearer t', 'x-org-id': 'o' } } }]),
    ],
    ['Redis packet metadata', new RedisContext(['channel', { authorization: 'Bearer t', 'x-org-id': 'o' }])],
    ['TCP packet metadata', tcp({ Authorization: 'Bearer t', 'X-Org-Id': 'o' })],
  ])('reads %s, names lower-cased', (_name, context) => {
    expect({ ...rpcHeadersOf(context) }).toEqual({ authorization: 'Bearer t', 'x-org-id': 'o' });
  });

  it('keeps a repeated header as a list, also across spellings', () => {
    expect(
      rpcHeadersOf(
        grpc([
          ['authorization', 'Bearer a'],
          ['authorization', 'Bearer b'],
        ]),
      )?.['authorization'],
    ).toEqual(['Bearer a', 'Bearer b']);
    expect(rpcHeadersOf(tcp({ authorization: 'Bearer a', Authorization: 'Bearer b' }))?.['authorization']).toEqual([
      'Bearer a',
      'Bearer b',
    ]);
    const kafkaContext = kafka({ headers: { authorization: [Buffer.from('Bearer a'), 'Bearer b'] } });
    expect(rpcHeadersOf(kafkaContext)?.['authorization']).toEqual(['Bearer a', 'Bearer b']);
  });

  it('turns a value that is not text into an empty list, never a string', () => {
    const rmq = new RmqContext([{ properties: { headers: { authorization: 42, 'x-org-id': { id: 'o' } } } }, {}, 'p']);
    expect({ ...rpcHeadersOf(rmq) }).toEqual({ authorization: [], 'x-org-id': [] });
  });

  it('finds no headers where the transport gives none, and does not break on odd contexts', () => {
    expect({ ...rpcHeadersOf(new RedisContext(['channel', undefined])) }).toEqual({});
    expect({ ...rpcHeadersOf(kafka({ headers: undefined })) }).toEqual({});
    expect({ ...rpcHeadersOf(new MqttContext(['topic', {}])) }).toEqual({});
    expect({ ...rpcHeadersOf(new NatsContext(['subject', undefined])) }).toEqual({});
    expect({ ...rpcHeadersOf(new RedisContext(['channel', { __proto__: 'x', constructor: 'y' }])) }).toEqual({
      constructor: 'y',
    });
    for (const context of [undefined, null, 'text', 42, {}, []]) expect(rpcHeadersOf(context)).toBeUndefined();
  });
});

/** The execution context Nest builds for a microservice handler. */
function rpc(data: unknown, context: unknown): ExecutionContextHost {
  const host = new ExecutionContextHost([data, context]);
  host.setType('rpc');
  return host;
}

describe('rpcTransport', () => {
  it('reads the bearer token of the metadata by the HTTP rules', () => {
    const context = rpc({}, grpc([['authorization', 'Bearer abc']]));
    expect(rpcTransport.token(rpcTransport.request(context), context)).toBe('abc');
    const repeated = rpc(
      {},
      grpc([
        ['authorization', 'Bearer a'],
        ['authorization', 'Bearer a'],
      ]),
    );
    expect(() => rpcTransport.token(rpcTransport.request(repeated), repeated)).toThrow(ZitadelTokenInvalidError);
    const notText = rpc({}, new RmqContext([{ properties: { headers: { authorization: 42 } } }, {}, 'p']));
    expect(() => rpcTransport.token(rpcTransport.request(notText), notText)).toThrow(ZitadelTokenInvalidError);
    const none = rpc({}, tcp(undefined));
    expect(rpcTransport.token(rpcTransport.request(none), none)).toBeUndefined();
  });

  it('keeps one view per call (where @CurrentUser finds the user), the data as params', () => {
    const tcpContext = tcp({});
    const data = { orgId: 'o' };
    const first = rpcTransport.request(rpc(data, tcpContext));
    expect(rpcTransport.request(rpc(data, tcpContext))).toBe(first);
    expect(rpcTransport.request(rpc(data, tcp({})))).not.toBe(first);
    expect(rpcTransport.params(first, rpc(data, tcpContext))).toBe(data);
    expect(rpcTransport.request(rpc('text', undefined))).toBeUndefined();
  });
});
