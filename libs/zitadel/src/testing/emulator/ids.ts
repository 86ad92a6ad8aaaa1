import { randomInt } from 'node:crypto';

let last = 0n;

/**
 * A ZITADEL-style id: an 18-digit decimal string, increasing like ZITADEL's sonyflake ids, from
 * the emulator's time `nowMs`. Ids stay unique (one counter for the process) even when a clock
 * stands still or two emulators' clocks differ. Ids are strings everywhere: as 64-bit numbers
 * they would lose digits in JavaScript and in JSON.
 */
export function newId(nowMs: number): string {
  const candidate = BigInt(Math.max(0, Math.floor(nowMs))) * 100_000n + BigInt(randomInt(100_000));
  last = candidate > last ? candidate : last + 1n;
  return last.toString().padStart(18, '1').slice(-18);
}

const SECRET_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** A client secret like ZITADEL generates them: 64 random letters and digits. */
export function newSecret(): string {
  let secret = '';
  for (let i = 0; i < 64; i++) secret += SECRET_ALPHABET[randomInt(SECRET_ALPHABET.length)];
  return secret;
}
