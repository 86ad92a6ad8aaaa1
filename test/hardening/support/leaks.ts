// What must never appear in a log line, an error or an HTTP answer: the fixture's tokens, private
// keys and client secrets, and anything shaped like a JWT (tokens, assertions) or a PEM key.
import type { ZitadelFixture } from './fixture.js';

/** The kinds of secret a text holds (empty when none). */
export function secretsIn(text: string, fixture: ZitadelFixture): string[] {
  const found: string[] = [];
  for (const token of fixture.issued) if (text.includes(token)) found.push('an issued access token');
  for (const pem of [fixture.apiKey.key, fixture.serviceUserKey.key]) {
    if (pem.split('\n').some((line) => line.length >= 16 && !line.startsWith('-----') && text.includes(line)))
      found.push('private key material');
  }
  for (const secret of [fixture.secretApp.clientSecret, fixture.secretServiceUser.clientSecret])
    if (text.includes(secret)) found.push('a client secret');
  if (/eyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}/.test(text)) found.push('a JWT (eyJ...)');
  if (/-----BEGIN [A-Z ]*PRIVATE KEY-----/.test(text)) found.push('a PEM private key');
  return [...new Set(found)];
}
