import { createHash, sign, verify } from 'node:crypto';
import type { SigningKey, SigningKeys } from './signing-keys.js';
import { isRecord } from '../../shared/is-record.js';

/** Signs claims as a compact JWS with the instance's current key: RS256, `kid`, `typ: JWT`. */
export function signJwt(key: SigningKey, claims: Record<string, unknown>): string {
  const header = base64url(JSON.stringify({ alg: 'RS256', kid: key.kid, typ: 'JWT' }));
  const payload = base64url(JSON.stringify(claims));
  const signature = sign('sha256', Buffer.from(`${header}.${payload}`, 'latin1'), key.privateKey);
  return `${header}.${payload}.${signature.toString('base64url')}`;
}

/**
 * The claims of a JWT this instance signed with one of its published keys (RS256), or
 * `undefined` for anything else: not a JWT, unknown `kid`, bad signature, other issuer.
 */
export function verifyInstanceJwt(
  token: string,
  keys: SigningKeys,
  issuer: string,
): Record<string, unknown> | undefined {
  const parts = token.split('.');
  if (parts.length !== 3) return undefined;
  const [encodedHeader = '', encodedPayload = '', encodedSignature = ''] = parts;
  const header = decodeJson(encodedHeader);
  const payload = decodeJson(encodedPayload);
  if (header === undefined || payload === undefined || header['alg'] !== 'RS256' || typeof header['kid'] !== 'string')
    return undefined;
  const key = keys.find(header['kid']);
  if (key === undefined) return undefined;
  const valid = verify(
    'sha256',
    Buffer.from(`${encodedHeader}.${encodedPayload}`, 'latin1'),
    key.publicKey,
    Buffer.from(encodedSignature, 'base64url'),
  );
  return valid && payload['iss'] === issuer ? payload : undefined;
}

/** `at_hash`: the left half of the access token's SHA-256, base64url. */
export function accessTokenHash(accessToken: string): string {
  return createHash('sha256').update(accessToken, 'ascii').digest().subarray(0, 16).toString('base64url');
}

function base64url(text: string): string {
  return Buffer.from(text, 'utf8').toString('base64url');
}

function decodeJson(segment: string): Record<string, unknown> | undefined {
  if (!/^[A-Za-z0-9_-]*$/.test(segment)) return undefined;
  try {
    const value: unknown = JSON.parse(Buffer.from(segment, 'base64url').toString('utf8'));
    return isRecord(value) ? value : undefined;
  } catch {
    return undefined;
  }
}
