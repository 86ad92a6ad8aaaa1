import type { VerifiedZitadelCall } from './action-verifier.service.js';

/** Verified calls by request object: set by `ZitadelActionGuard`, read by `@ZitadelActionPayload()`. */
const calls = new WeakMap<object, VerifiedZitadelCall>();

export function rememberVerifiedCall(request: object, call: VerifiedZitadelCall): void {
  calls.set(request, call);
}

export function verifiedCallOf(request: object | undefined): VerifiedZitadelCall | undefined {
  return request === undefined ? undefined : calls.get(request);
}
