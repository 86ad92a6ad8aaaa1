import { randomInt } from 'node:crypto';

let last = 0n;

/** A ZITADEL-style id: an 18-digit decimal string, increasing like ZITADEL's sonyflake ids. */
export function newId(): string {
  const candidate = BigInt(Date.now()) * 100_000n + BigInt(randomInt(100_000));
  last = candidate > last ? candidate : last + 1n;
  return last.toString().padStart(18, '1').slice(-18);
}
