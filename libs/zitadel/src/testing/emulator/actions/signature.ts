import { createHmac } from 'node:crypto';

/** The header ZITADEL signs its calls to targets with (`pkg/actions/signing.go`, `SigningHeader`). */
export const SIGNATURE_HEADER = 'ZITADEL-Signature';

/**
 * `ComputeSignatureHeader` (`pkg/actions/signing.go`): `t=<unix seconds>` then one
 * `v1=<hex HMAC-SHA256>` per key, each over `"<t>." + body`, keyed with the key's UTF-8 bytes.
 */
export function signatureHeader(nowMs: number, body: Buffer, keys: readonly string[]): string {
  const t = String(Math.floor(nowMs / 1000));
  const parts = [`t=${t}`];
  for (const key of keys)
    parts.push(`v1=${createHmac('sha256', Buffer.from(key, 'utf8')).update(`${t}.`).update(body).digest('hex')}`);
  return parts.join(',');
}
