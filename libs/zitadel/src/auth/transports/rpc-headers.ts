import { isRecord } from '../../shared/is-record.js';

/** Header values by lower-cased name: one value a string, a repeated header a list. */
export type RpcHeaders = Record<string, string | string[]>;

const isFunction = (value: unknown): value is (...args: unknown[]) => unknown => typeof value === 'function';

/**
 * The headers of a microservice call, read from the context Nest hands the handler (the second
 * argument), recognised by shape: no transport class is imported (each is an optional package).
 *
 * - gRPC: the call's `Metadata` (`get`, `getMap`);
 * - NATS: `NatsContext.getHeaders()` (`keys`, `values`);
 * - Kafka: `KafkaContext.getMessage().headers` (Buffers);
 * - RabbitMQ: `RmqContext.getMessage().properties.headers`;
 * - MQTT 5: `MqttContext.getPacket().properties.userProperties`;
 * - Redis and TCP: `getMetadata()`, the packet metadata a Nest client sets with `setOnDispatchHook`.
 *
 * @returns the headers, or `undefined` for a context of none of these shapes (a custom transport).
 */
export function rpcHeadersOf(context: unknown): RpcHeaders | undefined {
  if (typeof context !== 'object' || context === null) return undefined;
  const ctx = context as Record<string, unknown>;
  if (isFunction(ctx['getMap']) && isFunction(ctx['get'])) return grpcHeaders(ctx);
  if (isFunction(ctx['getHeaders']) && isFunction(ctx['getSubject'])) return natsHeaders(ctx['getHeaders'].call(ctx));
  if (isFunction(ctx['getMessage']) && isFunction(ctx['getPartition'])) {
    const message: unknown = ctx['getMessage'].call(ctx);
    return fromRecord(isRecord(message) ? message['headers'] : undefined);
  }
  if (isFunction(ctx['getMessage']) && isFunction(ctx['getChannelRef'])) {
    const message: unknown = ctx['getMessage'].call(ctx);
    const properties = isRecord(message) ? message['properties'] : undefined;
    return fromRecord(isRecord(properties) ? properties['headers'] : undefined);
  }
  if (isFunction(ctx['getPacket']) && isFunction(ctx['getTopic'])) {
    const packet: unknown = ctx['getPacket'].call(ctx);
    const properties = isRecord(packet) ? packet['properties'] : undefined;
    return fromRecord(isRecord(properties) ? properties['userProperties'] : undefined);
  }
  if (isFunction(ctx['getMetadata'])) return fromRecord(ctx['getMetadata'].call(ctx));
  return undefined;
}

/** gRPC metadata: keys are lower-case already; `get` lists every value of a repeated key. */
function grpcHeaders(metadata: Record<string, unknown>): RpcHeaders {
  const collected = new Collected();
  const map: unknown = (metadata['getMap'] as () => unknown).call(metadata);
  if (isRecord(map)) {
    for (const key of Object.keys(map))
      collected.add(key, (metadata['get'] as (key: string) => unknown).call(metadata, key));
  }
  return collected.headers();
}

/** NATS headers (`MsgHdrs`): names as sent, every value of a name from `values`. */
function natsHeaders(hdrs: unknown): RpcHeaders {
  const collected = new Collected();
  const h = typeof hdrs === 'object' && hdrs !== null ? (hdrs as Record<string, unknown>) : {};
  const keys: unknown = isFunction(h['keys']) && isFunction(h['values']) ? h['keys'].call(h) : [];
  if (Array.isArray(keys)) {
    for (const key of keys)
      if (typeof key === 'string') collected.add(key, (h['values'] as (k: string) => unknown).call(h, key));
  }
  return collected.headers();
}

/** Headers kept as a plain object (Kafka, RabbitMQ, MQTT, Redis, TCP). */
function fromRecord(record: unknown): RpcHeaders {
  const collected = new Collected();
  if (isRecord(record)) for (const [key, value] of Object.entries(record)) collected.add(key, value);
  return collected.headers();
}

/** Header values gathered by lower-cased name, `undefined` standing for a value that is not text. */
class Collected {
  private readonly values = new Map<string, (string | undefined)[]>();

  add(name: string, raw: unknown): void {
    if (raw === undefined || raw === null) return;
    const key = name.toLowerCase();
    const list = this.values.get(key) ?? [];
    list.push(...(Array.isArray(raw) ? raw : [raw]).map(text));
    this.values.set(key, list);
  }

  /**
   * One value is a string; a name sent twice (also in two spellings, or as a list) is a list,
   * which the bearer token parser refuses for `authorization`; a value that is not text makes
   * the header an empty list, present but never read as a string.
   */
  headers(): RpcHeaders {
    const headers = Object.create(null) as RpcHeaders;
    for (const [key, list] of this.values) {
      const strings = list.filter((value): value is string => value !== undefined);
      const [only] = strings;
      headers[key] = strings.length < list.length ? [] : list.length === 1 && only !== undefined ? only : strings;
    }
    return headers;
  }
}

/** A header value as text: strings as they are, bytes (Kafka, gRPC, RabbitMQ) as UTF-8; anything else `undefined`. */
function text(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (value instanceof Uint8Array)
    return Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('utf8');
  return undefined;
}
