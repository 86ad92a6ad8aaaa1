import { generateKeyPairSync } from 'node:crypto';
import { Keyv } from 'keyv';
import { ZitadelConfigurationError } from '../errors/configuration.error.js';
import { resolveZitadelOptions } from './resolve-options.js';
import type { ZitadelModuleOptions } from './zitadel-options.interface.js';

const ISSUER = 'https://z.example';
const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
const PRIVATE_PEM = rsa.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();

async function issuesOf(actions: unknown): Promise<string[]> {
  const error = await resolveZitadelOptions({ issuer: ISSUER, actions } as ZitadelModuleOptions).catch(
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ZitadelConfigurationError);
  return (error as ZitadelConfigurationError).issues.map((i) => `${i.path}: ${i.message}`);
}

const KEYS_SHAPE =
  "actions.signingKeys: must be the target's signing key, a non-empty array of keys, or a function (request) => keys";
const EMPTY_KEY = 'actions.signingKeys: must not be empty (got an empty key: is the environment variable set?)';
const TOLERANCE = 'actions.toleranceSeconds: must be an integer >= 0 (seconds, at most 3600)';
const NOT_PRIVATE =
  'actions.decryptionKey: must be a PEM private key or a private KeyObject (the key of the target registered for JWE)';

describe('the actions option', () => {
  it.each<[string, unknown, string]>([
    ['an empty signing key', { signingKeys: '' }, EMPTY_KEY],
    ['an empty key among several', { signingKeys: ['a', ''] }, EMPTY_KEY],
    ['no signing keys', { signingKeys: [] }, KEYS_SHAPE],
    ['a number as signing keys', { signingKeys: 3 }, KEYS_SHAPE],
    ['a negative tolerance', { toleranceSeconds: -1 }, TOLERANCE],
    ['a tolerance above an hour', { toleranceSeconds: 3601 }, TOLERANCE],
    ['a tolerance that is text', { toleranceSeconds: '300' }, TOLERANCE],
    [
      'a replay guard that is text',
      { replayGuard: 'yes' },
      'actions.replayGuard: must be true, false or { maxEntries } / { store } (a Keyv store shared by instances)',
    ],
    [
      'no replay entries',
      { replayGuard: { maxEntries: 0 } },
      'actions.replayGuard.maxEntries: must be an integer >= 1',
    ],
    [
      'a replay store that is not Keyv',
      { replayGuard: { store: {} } },
      'actions.replayGuard.store: must be a Keyv instance, e.g. new Keyv({ store: new KeyvRedis(url) })',
    ],
    [
      'a store and maxEntries',
      { replayGuard: { store: new Keyv(), maxEntries: 5 } },
      'actions.replayGuard.maxEntries: bounds only the default in-memory store and has no effect with store: remove one',
    ],
    [
      'a misspelt replay field',
      { replayGuard: { stor: 1 } },
      'actions.replayGuard.stor: is not an option; did you mean "store"?',
    ],
    [
      'a decryption key that is not PEM',
      { decryptionKey: 'not a key' },
      'actions.decryptionKey: is not a PEM private key (PKCS#8 "BEGIN PRIVATE KEY" or PKCS#1 "BEGIN RSA PRIVATE KEY")',
    ],
    ['a public decryption key', { decryptionKey: rsa.publicKey }, NOT_PRIVATE],
    ['a number as decryption key', { decryptionKey: 5 }, NOT_PRIVATE],
    ['a misspelt field', { signingKey: 'a' }, 'actions.signingKey: is not an option; did you mean "signingKeys"?'],
    ['actions that are text', 'on', 'actions: must be an object'],
  ])('reports %s, naming the field and the fix', async (_name, actions, issue) => {
    expect(await issuesOf(actions)).toEqual([issue]);
  });

  it('never puts a signing key or a PEM into its messages', async () => {
    const printed = (
      await issuesOf({ signingKeys: ['secret-signing-key', ''], decryptionKey: `${PRIVATE_PEM}x` })
    ).join('\n');
    expect(printed).not.toContain('secret-signing-key');
    expect(printed).not.toContain('PRIVATE KEY-----');
  });

  it('reads valid settings: keys frozen, the PEM loaded once as a private key, defaults filled in', async () => {
    const config = await resolveZitadelOptions({
      issuer: ISSUER,
      actions: { signingKeys: 'k', toleranceSeconds: 60, replayGuard: true, decryptionKey: PRIVATE_PEM },
    });
    expect(config.actions.signingKeys).toEqual(['k']);
    expect(Object.isFrozen(config.actions.signingKeys)).toBe(true);
    expect(config.actions.toleranceSeconds).toBe(60);
    expect(config.actions.replayGuard).toEqual({ maxEntries: 10_000, store: undefined });
    expect(config.actions.decryptionKey?.type).toBe('private');
    const defaults = await resolveZitadelOptions({ issuer: ISSUER });
    expect(defaults.actions).toEqual({
      signingKeys: undefined,
      toleranceSeconds: 300,
      replayGuard: undefined,
      decryptionKey: undefined,
    });
  });
});
