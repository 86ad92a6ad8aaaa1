import type { EmulatorRequest } from '../http-exchange.js';
import { GrpcCode, GrpcFailure } from './grpc-status.js';
import { isRecord } from '../../../shared/is-record.js';

/**
 * A JSON request body read as grpc-gateway reads it into a proto message (protojson): fields by
 * their JSON (camelCase) or proto (snake_case) name, unknown fields ignored, `null` as absent,
 * 64-bit integers as strings or numbers, enums by name or number. A value of the wrong JSON type
 * is a 400 with gRPC code 3, before the call reaches ZITADEL.
 */
export class ProtoMessage {
  constructor(
    private readonly fields: Readonly<Record<string, unknown>>,
    private readonly path: string,
  ) {}

  /** An empty message (a request without body). */
  static empty(): ProtoMessage {
    return new ProtoMessage({}, '');
  }

  /** This message with some fields set (replaced) as JSON values, e.g. to hand one request's fields to another call. */
  with(fields: Readonly<Record<string, unknown>>): ProtoMessage {
    return new ProtoMessage({ ...this.fields, ...fields }, this.path);
  }

  /** Whether the field was sent (and not `null`). */
  has(name: string): boolean {
    return this.raw(name) !== undefined;
  }

  /** A `string` field; `''` when absent. */
  string(name: string): string {
    const value = this.raw(name);
    if (value === undefined) return '';
    if (typeof value !== 'string') throw this.invalid(name, 'string', value);
    return value;
  }

  /** A `bool` field; `false` when absent. */
  bool(name: string): boolean {
    const value = this.raw(name);
    if (value === undefined) return false;
    if (typeof value !== 'boolean') throw this.invalid(name, 'bool', value);
    return value;
  }

  /** A `uint64` field (a decimal string or a number); `0n` when absent. */
  uint64(name: string): bigint {
    const value = this.raw(name);
    if (value === undefined) return 0n;
    if (typeof value === 'string' && /^\d{1,20}$/.test(value) && BigInt(value) < 2n ** 64n) return BigInt(value);
    if (typeof value === 'number' && Number.isSafeInteger(value) && value >= 0) return BigInt(value);
    throw this.invalid(name, 'uint64', value);
  }

  /** A `uint32` field; `0` when absent. */
  uint32(name: string): number {
    const value = this.raw(name);
    if (value === undefined) return 0;
    const number = typeof value === 'string' && /^\d{1,10}$/.test(value) ? Number(value) : value;
    if (typeof number !== 'number' || !Number.isInteger(number) || number < 0 || number > 0xffffffff)
      throw this.invalid(name, 'uint32', value);
    return number;
  }

  /** An enum field, by name or number; the first value (the `_UNSPECIFIED` one) when absent. */
  enum<T extends string>(name: string, values: readonly T[]): T {
    const value = this.raw(name);
    if (value === undefined) return values[0] as T;
    if (typeof value === 'string' && (values as readonly string[]).includes(value)) return value as T;
    if (typeof value === 'number' && Number.isInteger(value) && value >= 0 && value < values.length)
      return values[value] as T;
    throw this.invalid(name, 'enum', value);
  }

  /** A message field; `undefined` when absent. */
  message(name: string): ProtoMessage | undefined {
    const value = this.raw(name);
    if (value === undefined) return undefined;
    if (!isRecord(value)) throw this.invalid(name, 'object', value);
    return new ProtoMessage(value, this.child(name));
  }

  /** A `repeated string` field. */
  strings(name: string): string[] {
    return this.list(name).map((value) => {
      if (typeof value !== 'string') throw this.invalid(name, 'string', value);
      return value;
    });
  }

  /** A `repeated` message field. */
  messages(name: string): ProtoMessage[] {
    return this.list(name).map((value, index) => {
      if (!isRecord(value)) throw this.invalid(name, 'object', value);
      return new ProtoMessage(value, `${this.child(name)}[${index}]`);
    });
  }

  /** The one field of a `oneof` that is set, among `names`. */
  oneof(names: readonly string[]): string | undefined {
    return names.find((name) => this.has(name));
  }

  private list(name: string): unknown[] {
    const value = this.raw(name);
    if (value === undefined) return [];
    if (!Array.isArray(value)) throw this.invalid(name, 'list', value);
    return value;
  }

  private raw(name: string): unknown {
    const value = Object.hasOwn(this.fields, name) ? this.fields[name] : this.fields[snakeCase(name)];
    return value === null ? undefined : value;
  }

  private child(name: string): string {
    return this.path === '' ? name : `${this.path}.${name}`;
  }

  private invalid(name: string, type: string, value: unknown): GrpcFailure {
    const shown = JSON.stringify(value) ?? String(value);
    return new GrpcFailure(
      GrpcCode.invalidArgument,
      `proto: (${this.child(name)}): invalid value for ${type} type: ${shown.slice(0, 40)}`,
    );
  }
}

/**
 * The request body as a proto message: empty for no body, a 400 (gRPC code 3) for JSON that
 * does not parse or is no object, as the gateway answers.
 */
export function readBody(request: EmulatorRequest): ProtoMessage {
  const text = request.body.toString('utf8').trim();
  if (text === '') return ProtoMessage.empty();
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new GrpcFailure(GrpcCode.invalidArgument, 'proto: syntax error: invalid JSON');
  }
  if (!isRecord(value))
    throw new GrpcFailure(GrpcCode.invalidArgument, 'proto: syntax error: the body is not a JSON object');
  return new ProtoMessage(value, '');
}

function snakeCase(name: string): string {
  return name.replace(/[A-Z]/g, (letter) => `_${letter.toLowerCase()}`);
}
