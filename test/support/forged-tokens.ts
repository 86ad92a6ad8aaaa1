import { createHmac, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { decodeJwt, decodeProtectedHeader, SignJWT, type JWTPayload } from 'jose';

const encode = (value: unknown): string => Buffer.from(JSON.stringify(value)).toString('base64url');

/** The same claims with `alg: none` and no signature. */
export function withAlgNone(jwt: string): string {
  const { kid } = decodeProtectedHeader(jwt);
  return `${encode({ alg: 'none', typ: 'JWT', kid })}.${encode(decodeJwt(jwt))}.`;
}

/**
 * The same claims signed HS256 with the issuer's public key (its PEM text) as the HMAC secret:
 * the classic algorithm-confusion forgery against verifiers that let the token pick the algorithm.
 */
export function withHs256OverPublicKey(jwt: string, publicKey: KeyObject): string {
  const { kid } = decodeProtectedHeader(jwt);
  const input = `${encode({ alg: 'HS256', typ: 'JWT', kid })}.${encode(decodeJwt(jwt))}`;
  const secret = publicKey.export({ type: 'spki', format: 'pem' });
  return `${input}.${createHmac('sha256', secret).update(input).digest('base64url')}`;
}

/** The original header and signature over changed claims. */
export function withTamperedPayload(jwt: string, change: (claims: JWTPayload) => JWTPayload): string {
  const [header, , signature] = jwt.split('.');
  return `${header}.${encode(change(decodeJwt(jwt)))}.${signature}`;
}

let foreignKey: KeyObject | undefined;

/** The same claims, correctly signed, but by a key the issuer never published. */
export async function withUnknownKey(jwt: string, kid = 'unknown-kid'): Promise<string> {
  foreignKey ??= generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
  return new SignJWT(decodeJwt(jwt)).setProtectedHeader({ alg: 'RS256', kid }).sign(foreignKey);
}
