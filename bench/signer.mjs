// Mints distinct, valid RS256 JWT access tokens for the memory scenario, in batches, on request.
// Run as a child of bench/memory.mjs so that signing (about 4,000 RSA-2048 signatures per second
// per core) neither runs nor allocates in the measured process.
//
// BENCH_SIGNER_CONFIG: { privateKeyPem, header, claims, start, end, batchSize, lifetimeSeconds }
// Every token carries `claims` (a real access token's claims from the emulator) with its own
// `jti`, `iat`/`nbf` now and `exp` now + lifetime: distinct tokens, each one the guard accepts.
import { createPrivateKey, sign } from 'node:crypto';

const config = JSON.parse(process.env['BENCH_SIGNER_CONFIG'] ?? '{}');
const key = createPrivateKey(config.privateKeyPem);
const header = Buffer.from(JSON.stringify(config.header)).toString('base64url');
let next = config.start;

function mint(index, now) {
  const claims = { ...config.claims, jti: `bench-${index}`, iat: now, nbf: now, exp: now + config.lifetimeSeconds };
  const input = `${header}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}`;
  return `${input}.${sign('sha256', Buffer.from(input), key).toString('base64url')}`;
}

function batch() {
  const now = Math.floor(Date.now() / 1000);
  const end = Math.min(next + config.batchSize, config.end);
  const tokens = [];
  for (; next < end; next++) tokens.push(mint(next, now));
  return tokens.join('\n');
}

process.on('message', (message) => {
  if (message?.type === 'more') {
    const tokens = next < config.end ? batch() : '';
    process.send({ type: 'batch', tokens, done: next >= config.end });
  } else if (message?.type === 'close') {
    process.exit(0);
  }
});
process.on('disconnect', () => process.exit(0));
process.send({ type: 'ready' });
