import { inspect } from 'node:util';
import { Secret } from './secret.js';

it('never prints the secret it holds', () => {
  const secret = new Secret('s3cr3t-value');
  const holder = { clientSecret: secret };
  expect(secret.reveal()).toBe('s3cr3t-value');
  expect(`${secret}`).toBe('[redacted]');
  expect(JSON.stringify(holder)).toBe('{"clientSecret":"[redacted]"}');
  expect(inspect(holder, { showHidden: true, depth: 5 })).not.toContain('s3cr3t');
});
