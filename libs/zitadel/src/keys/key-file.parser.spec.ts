import { generateKeyPairSync } from 'node:crypto';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ZitadelKeyFileError } from '../errors/key-file.error.js';
import { parseApplicationKey, parseServiceUserKey, readKeySource } from './key-file.parser.js';

const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const pkcs1 = privateKey.export({ type: 'pkcs1', format: 'pem' }).toString();
const pkcs8 = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
const serviceUser = { type: 'serviceaccount', keyId: '100509901696068329', key: pkcs1, userId: '100507859606888466' };
const application = {
  type: 'application',
  keyId: '81693565968962154',
  key: pkcs1,
  appId: '78366403256846242',
  clientId: '78366401571920522@acme',
};

function keyFileError(run: () => unknown): ZitadelKeyFileError {
  let thrown: unknown;
  try {
    run();
  } catch (error) {
    thrown = error;
  }
  expect(thrown).toBeInstanceOf(ZitadelKeyFileError);
  return thrown as ZitadelKeyFileError;
}

describe('parseServiceUserKey', () => {
  it('accepts the PKCS#1 key file ZITADEL hands out', () => {
    const key = parseServiceUserKey(serviceUser, 'sa.json');
    expect(key).toMatchObject({
      keyId: serviceUser.keyId,
      subject: serviceUser.userId,
      userId: serviceUser.userId,
      expiresAt: undefined,
    });
    expect(key.privateKey.asymmetricKeyType).toBe('rsa');
  });

  it('accepts a PKCS#8 key', () => {
    expect(parseServiceUserKey({ ...serviceUser, key: pkcs8 }, 'sa.json').keyId).toBe(serviceUser.keyId);
  });

  it('keeps a future expiration date', () => {
    const key = parseServiceUserKey({ ...serviceUser, expirationDate: '2999-01-01T00:00:00Z' }, 'sa.json');
    expect(key.expiresAt?.toISOString()).toBe('2999-01-01T00:00:00.000Z');
  });

  it.each([
    ['type', { ...serviceUser, type: undefined }, /"type" is missing/],
    [
      'type',
      { ...serviceUser, type: 'application' },
      /"type" must be "serviceaccount".*configure it as apiApplication/,
    ],
    ['keyId', { ...serviceUser, keyId: undefined }, /"keyId" is missing/],
    ['keyId', { ...serviceUser, keyId: 100509901696068 }, /"keyId" must be a string: ZITADEL ids are 64-bit/],
    ['userId', { ...serviceUser, userId: '' }, /"userId" must not be empty/],
    ['key', { ...serviceUser, key: 42 }, /"key" must be a string, got a number/],
    ['key', { ...serviceUser, key: 'not a key' }, /"key" is not a PEM-encoded private key/],
    [
      'key',
      { ...serviceUser, key: publicKey.export({ type: 'spki', format: 'pem' }).toString() },
      /"key" is not a PEM-encoded private key/,
    ],
    ['expirationDate', { ...serviceUser, expirationDate: 'soon' }, /"expirationDate" must be an RFC 3339 date/],
    [
      'expirationDate',
      { ...serviceUser, expirationDate: '2001-01-01T00:00:00Z' },
      /"expirationDate" says the key expired on 2001-01-01/,
    ],
  ])('names the field %s', (field, data, message) => {
    const error = keyFileError(() => parseServiceUserKey(data, '/keys/sa.json'));
    expect(error.field).toBe(field);
    expect(error.source).toBe('/keys/sa.json');
    expect(error.code).toBe('ZITADEL_KEY_FILE_INVALID');
    expect(error.message).toMatch(message);
    expect(error.message).toContain('/keys/sa.json');
  });

  it('rejects a non-RSA key', () => {
    const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' })
      .privateKey.export({ type: 'pkcs8', format: 'pem' })
      .toString();
    expect(keyFileError(() => parseServiceUserKey({ ...serviceUser, key: ec }, 'sa.json')).message).toMatch(
      /must be an RSA private key, got ec/,
    );
  });

  it('rejects RSA keys shorter than 2048 bits', () => {
    const small = generateKeyPairSync('rsa', { modulusLength: 1024 })
      .privateKey.export({ type: 'pkcs1', format: 'pem' })
      .toString();
    expect(keyFileError(() => parseServiceUserKey({ ...serviceUser, key: small }, 'sa.json')).message).toMatch(
      /1024-bit RSA key/,
    );
  });

  it('never echoes key material, even when the key sits in the wrong field', () => {
    const error = keyFileError(() => parseServiceUserKey({ ...serviceUser, type: pkcs1 }, 'sa.json'));
    expect(error.message).not.toContain('PRIVATE KEY');
    expect(error.message).not.toContain(pkcs1.split('\n')[1]);
  });

  it('rejects what is not an object', () => {
    for (const data of [null, 'x', 1, []]) {
      expect(keyFileError(() => parseServiceUserKey(data, 'sa.json')).field).toBeUndefined();
    }
  });
});

describe('parseApplicationKey', () => {
  it('accepts an application key and signs as its clientId', () => {
    const key = parseApplicationKey(application, 'app.json');
    expect(key).toMatchObject({
      keyId: application.keyId,
      subject: application.clientId,
      clientId: application.clientId,
      appId: application.appId,
    });
  });

  it('points out a service user key given as an application key', () => {
    expect(keyFileError(() => parseApplicationKey(serviceUser, 'app.json')).message).toMatch(
      /configure it as serviceUser/,
    );
  });

  it('names a missing clientId', () => {
    expect(keyFileError(() => parseApplicationKey({ ...application, clientId: undefined }, 'app.json')).field).toBe(
      'clientId',
    );
  });
});

describe('readKeySource', () => {
  it('reads a key file from disk', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'zitadel-key-'));
    const path = join(dir, 'sa.json');
    await writeFile(path, JSON.stringify(serviceUser));
    await expect(readKeySource({ keyFile: path }, 'serviceUser')).resolves.toEqual({ data: serviceUser, origin: path });
  });

  it('names a missing file', async () => {
    await expect(readKeySource({ keyFile: '/nowhere/sa.json' }, 'serviceUser')).rejects.toThrow(
      /Key file \/nowhere\/sa.json: does not exist/,
    );
  });

  it('parses JSON text without ever quoting it in errors', async () => {
    await expect(readKeySource({ keyJson: JSON.stringify(serviceUser) }, 'serviceUser')).resolves.toMatchObject({
      origin: 'serviceUser.keyJson',
    });
    const broken = `{"key": "${pkcs1.replaceAll('\n', '\\n')}",`;
    const error = await readKeySource({ keyJson: broken }, 'serviceUser').catch((e: unknown) => e as Error);
    expect(error).toBeInstanceOf(ZitadelKeyFileError);
    expect((error as Error).message).toBe(
      'Key file serviceUser.keyJson: is not valid JSON. Use the file exactly as ZITADEL gave it.',
    );
  });

  it('takes an already parsed object as is', async () => {
    await expect(readKeySource({ key: serviceUser }, 'serviceUser')).resolves.toEqual({
      data: serviceUser,
      origin: 'serviceUser.key',
    });
  });
});
