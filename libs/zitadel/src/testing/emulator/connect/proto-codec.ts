import type { DescMethod, DescService } from '@bufbuild/protobuf';

/** The binary codec: `@bufbuild/protobuf` and a method's `@zitadel/proto` descriptor, both loaded on first use. */
export interface BinaryCodec {
  /** The request message, from protobuf binary to proto3 JSON (what the endpoints read). */
  decode(bytes: Uint8Array): unknown;
  /** The response message, from proto3 JSON to protobuf binary. */
  encode(json: unknown): Uint8Array;
}

/** Why binary calls cannot be served: the optional packages are not installed. */
export class BinaryCodecUnavailable extends Error {
  constructor(typeName: string) {
    super(
      `the emulator serves application/proto for ${typeName} only with the optional packages @bufbuild/protobuf and @zitadel/proto installed; use application/json`,
    );
    this.name = 'BinaryCodecUnavailable';
  }
}

const services = new Map<string, Promise<DescService | undefined>>();

/**
 * The binary codec of a method, or `undefined` when `@zitadel/proto` has no such service. The
 * packages are imported only here, on the first binary call, so apps that speak JSON (or never
 * call v2) need neither.
 *
 * The descriptor is found by `@zitadel/proto`'s layout: `zitadel.user.v2.UserService` lives in
 * `zitadel/user/v2/user_service_pb.js`, the file named after the package's first segment.
 *
 * @throws {BinaryCodecUnavailable} the packages are not installed.
 */
export async function binaryCodec(typeName: string, methodName: string): Promise<BinaryCodec | undefined> {
  let service = services.get(typeName);
  if (service === undefined) services.set(typeName, (service = loadService(typeName)));
  const [descriptor, protobuf] = await Promise.all([service, loadProtobuf(typeName)]);
  const method: DescMethod | undefined = descriptor?.methods.find((m) => m.name === methodName);
  if (method === undefined) return undefined;
  return {
    decode: (bytes) => protobuf.toJson(method.input, protobuf.fromBinary(method.input, bytes)),
    encode: (json) =>
      protobuf.toBinary(
        method.output,
        protobuf.fromJson(method.output, json as Parameters<typeof protobuf.fromJson>[1], {
          ignoreUnknownFields: true,
        }),
      ),
  };
}

async function loadProtobuf(typeName: string): Promise<typeof import('@bufbuild/protobuf')> {
  try {
    return await import('@bufbuild/protobuf');
  } catch {
    throw new BinaryCodecUnavailable(typeName);
  }
}

async function loadService(typeName: string): Promise<DescService | undefined> {
  const parts = typeName.split('.');
  const serviceName = parts.at(-1) ?? '';
  const modulePath = `@zitadel/proto/${parts.slice(0, -1).join('/')}/${parts[1] ?? ''}_service_pb.js`;
  let module: Record<string, unknown>;
  try {
    module = (await import(modulePath)) as Record<string, unknown>;
  } catch {
    services.delete(typeName);
    throw new BinaryCodecUnavailable(typeName);
  }
  const service = module[serviceName] as DescService | undefined;
  return service?.kind === 'service' && service.typeName === typeName ? service : undefined;
}
