import type { create, fromBinary, fromJson, isMessage, toBinary, toJson } from '@bufbuild/protobuf';
import { ZitadelDependencyMissingError } from '../errors/dependency-missing.error.js';

/** The few functions of `@bufbuild/protobuf` that `ZitadelApi` calls. */
export interface ProtobufRuntime {
  readonly create: typeof create;
  readonly toJson: typeof toJson;
  readonly fromJson: typeof fromJson;
  readonly toBinary: typeof toBinary;
  readonly fromBinary: typeof fromBinary;
  readonly isMessage: typeof isMessage;
}

/** The optional peers an app installs to use `ZitadelApi` (`@connectrpc/connect` for its types only). */
const API_PEER_PACKAGES: readonly string[] = ['@zitadel/proto', '@bufbuild/protobuf', '@connectrpc/connect'];

/** Imports `@bufbuild/protobuf`; a parameter so that a unit test can stand in a missing package. */
type ProtobufImporter = () => Promise<ProtobufRuntime>;

const importProtobuf: ProtobufImporter = () => import('@bufbuild/protobuf');

/**
 * `@bufbuild/protobuf`, loaded on first use: it is an optional peer dependency, so an app that
 * never calls `ZitadelApi` neither installs nor loads it. A failed load is not remembered (the
 * next call tries again).
 */
export class LazyProtobuf {
  private loading: Promise<ProtobufRuntime> | undefined;

  constructor(private readonly importer: ProtobufImporter = importProtobuf) {}

  /** @throws {ZitadelDependencyMissingError} `@bufbuild/protobuf` is not installed. */
  load(): Promise<ProtobufRuntime> {
    this.loading ??= this.importer().catch((cause: unknown) => {
      this.loading = undefined;
      if (isModuleNotFound(cause)) throw new ZitadelDependencyMissingError('ZitadelApi', API_PEER_PACKAGES, { cause });
      throw cause;
    });
    return this.loading;
  }
}

function isModuleNotFound(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND';
}
