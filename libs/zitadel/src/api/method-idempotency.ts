import type { DescMethod } from '@bufbuild/protobuf';

/** `MethodOptions.IdempotencyLevel` of descriptor.proto (the enum is not imported: it is an optional peer's). */
const NO_SIDE_EFFECTS = 1;
const IDEMPOTENT = 2;

/**
 * Whether sending a call twice is harmless, so that it is retried after 5xx answers and network
 * failures too (a write is otherwise retried only when it cannot have been applied: 429, 503,
 * connection refused). The method's declared `idempotency_level` decides; ZITADEL's protos declare
 * none today, so its naming convention does: `Get...` and `List...` methods are reads.
 */
export function isRepeatable(method: Pick<DescMethod, 'name' | 'idempotency'>): boolean {
  const level: number = method.idempotency;
  if (level === NO_SIDE_EFFECTS || level === IDEMPOTENT) return true;
  return /^(Get|List)(?![a-z])/.test(method.name);
}
