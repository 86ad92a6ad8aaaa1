import { hash } from 'node:crypto';

/**
 * The cache key of an access token: its SHA-256, base64url (43 characters). Tokens themselves
 * never become keys, so a cache dump or a Redis `KEYS` shows no usable credential.
 */
export function tokenHash(token: string): string {
  return hash('sha256', token, 'base64url');
}
