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

/**
 * Fails the current test (thrown from an `afterEach`) when its own log lines hold a secret or an
 * unexpected error; `expect` belongs in test bodies, so hooks throw instead.
 */
export function assertOwnLogClean(lines: readonly string[], fixture: ZitadelFixture, unexpected?: RegExp): void {
  const problems = secretsIn(lines.join('\n'), fixture);
  if (lines.length === 0) problems.push('nothing at all (the log capture is not working)');
  if (unexpected !== undefined && lines.some((line) => unexpected.test(line)))
    problems.push(`a line matching ${String(unexpected)}`);
  if (problems.length > 0) throw new Error(`this test's app logged ${problems.join(', ')}`);
}
