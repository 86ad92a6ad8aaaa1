import { createHmac, timingSafeEqual } from 'node:crypto';
import { ZitadelSignatureError } from '../errors/signature.error.js';

/** The header ZITADEL signs its Actions v2 calls with (ZITADEL's proto comments wrongly say `X-ZITADEL-Signature`). */
export const ZITADEL_SIGNATURE_HEADER = 'zitadel-signature';

/** ZITADEL's own default: a signature older than five minutes is refused. */
const DEFAULT_SIGNATURE_TOLERANCE_SECONDS = 300;

/** Options of {@link verifyZitadelSignature}. */
export interface VerifySignatureOptions {
  /**
   * How far the signature's timestamp may be from `now`, in seconds, both ways: older calls are
   * refused as stale (as ZITADEL's own verifier does), and so are calls dated more than this in the
   * future. A captured call can be replayed within this window: see `replayGuard` of `@ZitadelAction()`.
   * @default 300
   */
  toleranceSeconds?: number;
  /** The current time (milliseconds since the epoch, or a `Date`). @default Date.now() */
  now?: number | Date;
}

/** What a valid signature told: when ZITADEL signed, and which key matched. */
export interface VerifiedZitadelSignature {
  /** The signature's `t`, in seconds since the epoch. */
  readonly timestamp: number;
  /** Index, in the keys given, of the key that matched (to see when an old key stops being used). */
  readonly keyIndex: number;
}

interface ParsedHeader {
  readonly timestamp: number;
  readonly signatures: readonly Buffer[];
}

const DIGITS = /^\d{1,15}$/;
const HEX = /^(?:[0-9a-fA-F]{2})+$/;
const SHA256_BYTES = 32;

/**
 * Verifies the `ZITADEL-Signature` header of a call from ZITADEL (an Actions v2 target with the
 * JSON payload type), exactly as ZITADEL computes it: `t=<unix seconds>,v1=<hex>[,v1=<hex>...]`,
 * one `v1` per signing key of the target, each `hex(HMAC-SHA256(key, "<t>." + raw body))`.
 *
 * Pass the bytes as received: JSON parsed and serialised again differs in whitespace, key order
 * or escapes, and never verifies. Every `v1` is compared with every key in constant time; any
 * match passes (several keys: a rotation in progress). Refusals, in this order: `missing`,
 * `malformed`, `mismatch`, then `stale` (so `stale` only ever names a genuine, but old or
 * future-dated, call).
 *
 * ZITADEL's own verifier accepts any future timestamp; this one refuses timestamps more than
 * `toleranceSeconds` ahead, so that the window in which a captured call can be replayed is bounded
 * (at most twice the tolerance), whatever date it claims.
 *
 * @param rawBody the request body's bytes (a string is taken as its UTF-8 bytes).
 * @param header the `ZITADEL-Signature` header (`request.headers['zitadel-signature']`).
 * @param signingKeys the target's signing key, or several during a rotation.
 * @returns when ZITADEL signed, and which key matched.
 * @throws {ZitadelSignatureError} with `reason` `missing`, `malformed`, `stale` or `mismatch`.
 * @throws {TypeError} the keys or options are unusable (no key, an empty key, a negative tolerance).
 * @see https://zitadel.com/docs/apis/actions/v2/testing-locally
 *
 * @example
 * const { timestamp } = verifyZitadelSignature(request.rawBody, request.headers['zitadel-signature'], [key]);
 */
export function verifyZitadelSignature(
  rawBody: Uint8Array | string,
  header: string | readonly string[] | undefined,
  signingKeys: string | readonly string[],
  options: VerifySignatureOptions = {},
): VerifiedZitadelSignature {
  const keys = checkKeys(signingKeys);
  const toleranceMs = checkTolerance(options.toleranceSeconds) * 1000;
  const nowMs = checkNow(options.now);
  if (typeof rawBody !== 'string' && !(rawBody instanceof Uint8Array)) {
    throw new TypeError('"rawBody" must be the raw request body (a Buffer, a Uint8Array or a string)');
  }
  const parsed = parseSignatureHeader(header);
  const body = typeof rawBody === 'string' ? Buffer.from(rawBody, 'utf8') : rawBody;
  let keyIndex = -1;
  // Every key against every value, without stopping early: the time taken says nothing about which matched.
  keys.forEach((key, index) => {
    const expected = createHmac('sha256', key).update(`${parsed.timestamp}.`).update(body).digest();
    for (const signature of parsed.signatures) {
      if (timingSafeEqual(expected, signature) && keyIndex === -1) keyIndex = index;
    }
  });
  if (keyIndex === -1) throw new ZitadelSignatureError('mismatch');
  const signedMs = parsed.timestamp * 1000;
  if (nowMs - signedMs > toleranceMs || signedMs - nowMs > toleranceMs) throw new ZitadelSignatureError('stale');
  return { timestamp: parsed.timestamp, keyIndex };
}

/**
 * Splits the header as ZITADEL does: pairs separated by `,`, each exactly `key=value`; unknown keys
 * (and `v1` values that are not hex) are skipped. Stricter than ZITADEL where it is ambiguous:
 * `t` must appear once, as decimal digits.
 */
function parseSignatureHeader(header: string | readonly string[] | undefined): ParsedHeader {
  if (Array.isArray(header)) {
    if (header.length > 1) throw new ZitadelSignatureError('malformed');
    header = header[0];
  }
  if (typeof header !== 'string' || header === '') throw new ZitadelSignatureError('missing');
  let timestamp: number | undefined;
  const signatures: Buffer[] = [];
  for (const pair of header.split(',')) {
    const parts = pair.split('=');
    if (parts.length !== 2) throw new ZitadelSignatureError('malformed');
    const [key, value] = parts as [string, string];
    if (key === 't') {
      if (timestamp !== undefined || !DIGITS.test(value)) throw new ZitadelSignatureError('malformed');
      timestamp = Number(value);
    } else if (key === 'v1' && HEX.test(value) && value.length === SHA256_BYTES * 2) {
      signatures.push(Buffer.from(value, 'hex'));
    }
  }
  if (timestamp === undefined || signatures.length === 0) throw new ZitadelSignatureError('malformed');
  return { timestamp, signatures };
}

function checkKeys(signingKeys: string | readonly string[]): readonly string[] {
  const keys = typeof signingKeys === 'string' ? [signingKeys] : signingKeys;
  if (!Array.isArray(keys) || keys.length === 0) {
    throw new TypeError('"signingKeys" must be a signing key or a non-empty array of them');
  }
  for (const key of keys) {
    if (typeof key !== 'string' || key === '') throw new TypeError('"signingKeys" must hold non-empty strings');
  }
  return keys;
}

function checkTolerance(value: number | undefined): number {
  if (value === undefined) return DEFAULT_SIGNATURE_TOLERANCE_SECONDS;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    throw new TypeError('"toleranceSeconds" must be a finite number of seconds >= 0');
  }
  return value;
}

function checkNow(value: number | Date | undefined): number {
  if (value === undefined) return Date.now();
  const ms = value instanceof Date ? value.getTime() : value;
  if (typeof ms !== 'number' || !Number.isFinite(ms)) {
    throw new TypeError('"now" must be milliseconds since the epoch or a valid Date');
  }
  return ms;
}
