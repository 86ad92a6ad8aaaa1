import { createPrivateKey, type KeyObject } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { ZitadelKeyFileError } from '../errors/key-file.error.js';
import { isRecord } from '../shared/is-record.js';
import type { SigningKey } from './signing-key.js';

/** Where a key file comes from: a path, its JSON text, or the already parsed object. */
export type KeySource = { keyFile: string } | { keyJson: string } | { key: unknown };

/** A parsed service user key: signs JWT-profile grants as `userId`. */
export interface ServiceUserSigningKey extends SigningKey {
  readonly userId: string;
}

/** A parsed application key: signs `private_key_jwt` client assertions as `clientId`. */
export interface ApplicationSigningKey extends SigningKey {
  readonly clientId: string;
  readonly appId: string;
}

const MIN_RSA_BITS = 2048;

/**
 * Reads a key source into the untrusted JSON value it holds, and a name for it in errors.
 *
 * @param label where the source was configured, e.g. `serviceUser`, used when there is no path.
 * @throws {ZitadelKeyFileError} the file cannot be read or is not JSON.
 */
export async function readKeySource(source: KeySource, label: string): Promise<{ data: unknown; origin: string }> {
  if ('keyFile' in source) {
    // Named by its absolute path: a relative one depends on the working directory of the process.
    const origin = resolve(source.keyFile);
    let text: string;
    try {
      text = await readFile(origin, 'utf8');
    } catch (cause) {
      const reason = (cause as NodeJS.ErrnoException).code === 'ENOENT' ? 'does not exist' : 'cannot be read';
      throw new ZitadelKeyFileError(origin, undefined, `${reason}. Download a key for it in ZITADEL's console.`, {
        cause,
      });
    }
    return { data: parseJson(text, origin), origin };
  }
  if ('keyJson' in source) {
    const origin = `${label}.keyJson`;
    return { data: parseJson(source.keyJson, origin), origin };
  }
  return { data: source.key, origin: `${label}.key` };
}

/**
 * Validates a service user key file (`"type":"serviceaccount"`).
 *
 * @throws {ZitadelKeyFileError} naming the field that is missing or wrong; never echoing key material.
 */
export function parseServiceUserKey(data: unknown, origin: string, now: Date = new Date()): ServiceUserSigningKey {
  const file = keyFileObject(data, origin);
  expectType(file, 'serviceaccount', origin);
  const userId = requireId(file, 'userId', origin);
  return { ...parseCommon(file, origin, now, userId), userId };
}

/**
 * Validates an application key file (`"type":"application"`).
 *
 * @throws {ZitadelKeyFileError} naming the field that is missing or wrong; never echoing key material.
 */
export function parseApplicationKey(data: unknown, origin: string, now: Date = new Date()): ApplicationSigningKey {
  const file = keyFileObject(data, origin);
  expectType(file, 'application', origin);
  const clientId = requireString(file, 'clientId', origin);
  const appId = requireId(file, 'appId', origin);
  return { ...parseCommon(file, origin, now, clientId), clientId, appId };
}

function parseCommon(file: Record<string, unknown>, origin: string, now: Date, subject: string): SigningKey {
  const keyId = requireId(file, 'keyId', origin);
  const privateKey = parsePrivateKey(requireString(file, 'key', origin), origin);
  const expiresAt = parseExpiration(file['expirationDate'], origin, now);
  return { keyId, subject, privateKey, expiresAt };
}

function parseJson(text: string, origin: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    // The parser's own message quotes the input, which may hold the private key: never pass it on.
    throw new ZitadelKeyFileError(origin, undefined, 'is not valid JSON. Use the file exactly as ZITADEL gave it.');
  }
}

function keyFileObject(data: unknown, origin: string): Record<string, unknown> {
  if (!isRecord(data))
    throw new ZitadelKeyFileError(origin, undefined, 'must be a JSON object as ZITADEL hands it out.');
  return data;
}

function expectType(file: Record<string, unknown>, expected: 'serviceaccount' | 'application', origin: string): void {
  const type = file['type'];
  if (type === expected) return;
  if (type === undefined) throw new ZitadelKeyFileError(origin, 'type', `is missing; expected "${expected}".`);
  const hint =
    type === 'serviceaccount'
      ? ' This is a service user key: configure it as serviceUser, not apiApplication.'
      : type === 'application'
        ? ' This is an application key: configure it as apiApplication, not serviceUser.'
        : '';
  throw new ZitadelKeyFileError(origin, 'type', `must be "${expected}", got ${describe(type)}.${hint}`);
}

function requireString(file: Record<string, unknown>, field: string, origin: string): string {
  const value = file[field];
  if (value === undefined) throw new ZitadelKeyFileError(origin, field, 'is missing.');
  if (typeof value !== 'string')
    throw new ZitadelKeyFileError(origin, field, `must be a string, got ${describe(value)}.`);
  if (value.trim() === '') throw new ZitadelKeyFileError(origin, field, 'must not be empty.');
  return value;
}

function requireId(file: Record<string, unknown>, field: string, origin: string): string {
  if (typeof file[field] === 'number') {
    throw new ZitadelKeyFileError(
      origin,
      field,
      'must be a string: ZITADEL ids are 64-bit and lose digits as JSON numbers.',
    );
  }
  return requireString(file, field, origin);
}

function parsePrivateKey(pem: string, origin: string): KeyObject {
  let key: KeyObject;
  try {
    key = createPrivateKey({ key: pem, format: 'pem' });
  } catch {
    throw new ZitadelKeyFileError(
      origin,
      'key',
      'is not a PEM-encoded private key (PKCS#1 "BEGIN RSA PRIVATE KEY" or PKCS#8).',
    );
  }
  if (key.asymmetricKeyType !== 'rsa') {
    throw new ZitadelKeyFileError(
      origin,
      'key',
      `must be an RSA private key, got ${key.asymmetricKeyType ?? 'an unknown type'}.`,
    );
  }
  const bits = key.asymmetricKeyDetails?.modulusLength ?? 0;
  if (bits < MIN_RSA_BITS) {
    throw new ZitadelKeyFileError(
      origin,
      'key',
      `is a ${bits}-bit RSA key; at least ${MIN_RSA_BITS} bits are required.`,
    );
  }
  return key;
}

function parseExpiration(value: unknown, origin: string, now: Date): Date | undefined {
  if (value === undefined || value === null) return undefined;
  const date = typeof value === 'string' ? new Date(value) : undefined;
  if (date === undefined || Number.isNaN(date.getTime())) {
    throw new ZitadelKeyFileError(origin, 'expirationDate', 'must be an RFC 3339 date string.');
  }
  if (date.getTime() <= now.getTime()) {
    throw new ZitadelKeyFileError(
      origin,
      'expirationDate',
      `says the key expired on ${date.toISOString()}; create a new key in ZITADEL.`,
    );
  }
  return date;
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  // Strings are quoted only when short: a misplaced key must never be echoed.
  if (typeof value === 'string') return value.length <= 20 && !value.includes('-----') ? `"${value}"` : 'a string';
  return `a ${typeof value}`;
}
