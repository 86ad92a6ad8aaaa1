import { createHmac } from 'node:crypto';
import { resolveZitadelOptions } from '../config/resolve-options.js';
import type { ZitadelSigningKeys } from '../config/zitadel-options.interface.js';
import { ZitadelConfigurationError } from '../errors/configuration.error.js';
import { ZitadelSignatureError } from '../errors/signature.error.js';
import type { JwksCache } from '../jwt/jwks-cache.js';
import type { ZitadelClock } from '../shared/clock.js';
import { ZitadelActionVerifier } from './action-verifier.service.js';

const NOW = 1_760_000_000_000;
const clock: ZitadelClock = { now: () => NOW, sleep: () => Promise.resolve() };
// JSON payloads never reach the JWKS.
const noJwks = {} as JwksCache;
const BODY = '{"event_type":"user.human.added"}';
const t = NOW / 1000;
const header = `t=${t},v1=${createHmac('sha256', 'k').update(`${t}.${BODY}`).digest('hex')}`;

async function verifyWith(signingKeys: ZitadelSigningKeys): Promise<unknown> {
  const config = await resolveZitadelOptions({ issuer: 'https://z.example', actions: { signingKeys } });
  const verifier = new ZitadelActionVerifier(config, clock, noJwks);
  return verifier
    .verify({ headers: { 'zitadel-signature': header }, rawBody: Buffer.from(BODY), url: '/zitadel/events' })
    .catch((error: unknown) => error);
}

describe('ZitadelActionVerifier with a signing-key resolver', () => {
  it('takes a key or keys the resolver returns, sync or async', async () => {
    expect(await verifyWith(() => 'k')).toMatchObject({ payload: JSON.parse(BODY), signature: { keyIndex: 0 } });
    expect(await verifyWith(async () => ['old', 'k'])).toMatchObject({ signature: { keyIndex: 1 } });
  });

  it('refuses the call as a mismatch when the resolver knows no key for it', async () => {
    const error = await verifyWith(() => []);
    expect(error).toBeInstanceOf(ZitadelSignatureError);
    expect((error as ZitadelSignatureError).reason).toBe('mismatch');
  });

  it.each<[string, ZitadelSigningKeys]>([
    ['an empty key', () => ''],
    ['an empty key among several', () => ['k', '']],
    ['nothing', (() => undefined) as unknown as ZitadelSigningKeys],
    ['numbers', (() => [1]) as unknown as ZitadelSigningKeys],
  ])('fails as a set-up mistake, naming the fix, when the resolver returns %s', async (_name, resolver) => {
    const error = await verifyWith(resolver);
    expect(error).toBeInstanceOf(ZitadelConfigurationError);
    expect(String((error as Error).message)).toMatch(/actions\.signingKeys.*resolver must return non-empty keys/s);
  });
});
