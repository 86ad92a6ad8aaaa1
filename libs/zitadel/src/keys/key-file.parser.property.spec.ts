// Property-based tests of the key file parser: any JSON text, any value and any mangled key file
// yields a signing key or a ZitadelKeyFileError, never another exception, and no error message
// ever repeats key material or any long string of the input.
import { generateKeyPairSync } from 'node:crypto';
import * as fc from 'fast-check';
import { ZitadelKeyFileError } from '../errors/key-file.error.js';
import { parseApplicationKey, parseServiceUserKey, readKeySource } from './key-file.parser.js';

const SETTINGS = { seed: 0x5eed_0002, numRuns: 1000 } as const;
const NOW = new Date('2030-06-01T00:00:00Z');
const ORIGIN = 'key.json';

const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
const pkcs1 = rsa.privateKey.export({ type: 'pkcs1', format: 'pem' }).toString();
const pkcs8 = rsa.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
/** Other PEMs a confused user could paste: a public key, a short RSA key, EC and Ed25519 keys, an encrypted key. */
const otherPems = [
  rsa.publicKey.export({ type: 'spki', format: 'pem' }).toString(),
  rsa.publicKey.export({ type: 'pkcs1', format: 'pem' }).toString(),
  generateKeyPairSync('rsa', { modulusLength: 1024 }).privateKey.export({ type: 'pkcs1', format: 'pem' }).toString(),
  generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
  generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
  rsa.privateKey
    .export({ type: 'pkcs8', format: 'pem', cipher: 'aes-256-cbc', passphrase: 'correct horse battery' })
    .toString(),
];
/** Lines of base64 inside the PEMs: none of them may ever appear in an error message. */
const keyMaterial = [pkcs1, pkcs8, ...otherPems].flatMap((pem) =>
  pem.split('\n').filter((line) => line.length >= 16 && !line.startsWith('-----')),
);

const base = {
  serviceaccount: { type: 'serviceaccount', keyId: '100509901696068329', key: pkcs1, userId: '100507859606888466' },
  application: {
    type: 'application',
    keyId: '81693565968962154',
    key: pkcs1,
    appId: '78366403256846242',
    clientId: '78366401571920522@acme',
  },
} as const;

/** A PEM mangled the ways files get mangled: truncated, lines dropped or swapped, CRLF, headers changed, spaces. */
const mangledPem = fc.oneof(
  fc.constantFrom(pkcs1, pkcs8, ...otherPems),
  fc.tuple(fc.constantFrom(pkcs1, pkcs8), fc.nat()).map(([pem, n]) => pem.slice(0, n % pem.length)),
  fc.tuple(fc.constantFrom(pkcs1, pkcs8), fc.nat(), fc.nat()).map(([pem, a, b]) => {
    const lines = pem.split('\n');
    const i = a % lines.length;
    const j = b % lines.length;
    [lines[i], lines[j]] = [lines[j] ?? '', lines[i] ?? ''];
    return lines.join('\n');
  }),
  fc.tuple(fc.constantFrom(pkcs1, pkcs8), fc.nat()).map(([pem, n]) => {
    const lines = pem.split('\n');
    lines.splice(n % lines.length, 1);
    return lines.join('\n');
  }),
  fc.tuple(fc.constantFrom(pkcs1, pkcs8), fc.nat(), fc.string({ minLength: 1, maxLength: 4 })).map(([pem, n, s]) => {
    const at = n % pem.length;
    return pem.slice(0, at) + s + pem.slice(at + 1);
  }),
  fc.constantFrom(
    pkcs1.replace(/\n/g, '\r\n'),
    pkcs1.replace(/\n/g, '\\n'),
    pkcs1.replace('RSA PRIVATE', 'EC PRIVATE'),
    pkcs8.replace('PRIVATE', 'PUBLIC'),
    ` ${pkcs1} `,
    pkcs1.replace(/\n/g, ''),
  ),
);

/** Anything a JSON field can hold, biased to the shapes ZITADEL uses and to key material in the wrong place. */
const fieldValue = fc.oneof(
  { weight: 4, arbitrary: fc.jsonValue({ maxDepth: 2 }) },
  {
    weight: 2,
    arbitrary: fc.constantFrom(
      'serviceaccount',
      'application',
      '',
      ' ',
      '100509901696068329',
      '9999-12-31T23:59:59Z',
      '2001-01-01T00:00:00Z',
      'soon',
      '2030-06-01T00:00:00Z',
    ),
  },
  { weight: 1, arbitrary: fc.bigInt({ min: 0n, max: 2n ** 64n }).map((n) => Number(n)) },
  { weight: 2, arbitrary: mangledPem },
  {
    weight: 1,
    arbitrary: fc
      .date({ noInvalidDate: false })
      .map((d) => (Number.isNaN(d.getTime()) ? 'Invalid Date' : d.toISOString())),
  },
);

/** A key file of one kind with each field kept, dropped or replaced; occasionally extra fields. */
function mutatedKeyFile(kind: keyof typeof base): fc.Arbitrary<Record<string, unknown>> {
  const fields = [...Object.keys(base[kind]), 'expirationDate'];
  return fc
    .tuple(
      fc.array(fc.tuple(fc.constantFrom(...fields), fc.oneof(fc.constant(undefined), fieldValue)), { maxLength: 4 }),
      fc.dictionary(fc.string({ maxLength: 12 }), fieldValue, { maxKeys: 2 }),
    )
    .map(([changes, extra]) => {
      const file: Record<string, unknown> = { ...extra, ...base[kind] };
      for (const [field, value] of changes) {
        if (value === undefined) delete file[field];
        else file[field] = value;
      }
      return file;
    });
}

/**
 * Every string of length >= 21 inside a value: error messages quote at most 20 characters of
 * input. Dates are the exception: an expired key's message names its expiration date.
 */
function longStrings(value: unknown, found: string[] = []): string[] {
  if (typeof value === 'string' && value.length > 20 && Number.isNaN(Date.parse(value))) found.push(value);
  else if (typeof value === 'object' && value !== null)
    for (const child of Object.values(value)) longStrings(child, found);
  return found;
}

/**
 * Runs a parser: it must return, or throw a ZitadelKeyFileError (anything else fails the test).
 * @returns the error, or `undefined` when a key was parsed.
 */
function parseOrKeyFileError(parse: () => unknown): ZitadelKeyFileError | undefined {
  try {
    parse();
    return undefined;
  } catch (error) {
    if (!(error instanceof ZitadelKeyFileError))
      throw new Error(`expected a ZitadelKeyFileError, got ${String(error)}`, { cause: error });
    return error;
  }
}

/** What of the input an error message repeats: key material, or any input string longer than 20 characters. */
function leaked(error: ZitadelKeyFileError | undefined, input: unknown): string[] {
  if (error === undefined) return [];
  return [...keyMaterial, ...longStrings(input)].filter((text) => error.message.includes(text));
}

function isJson(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

describe('key file parser (property-based)', () => {
  it('parses any JSON value into a key or a ZitadelKeyFileError, for both kinds of key', () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 3 }), (value) => {
        expect(
          leaked(
            parseOrKeyFileError(() => parseServiceUserKey(value, ORIGIN, NOW)),
            value,
          ),
        ).toEqual([]);
        expect(
          leaked(
            parseOrKeyFileError(() => parseApplicationKey(value, ORIGIN, NOW)),
            value,
          ),
        ).toEqual([]);
      }),
      SETTINGS,
    );
  });

  it('parses mangled service user key files into a key or a ZitadelKeyFileError that names the file, never echoing key material', () => {
    fc.assert(
      fc.property(mutatedKeyFile('serviceaccount'), (file) => {
        const error = parseOrKeyFileError(() => parseServiceUserKey(file, ORIGIN, NOW));
        expect(leaked(error, file)).toEqual([]);
        expect(error?.message.startsWith(`Key file ${ORIGIN}: `) ?? true).toBe(true);
      }),
      SETTINGS,
    );
  });

  it('parses mangled application key files into a key or a ZitadelKeyFileError, never echoing key material', () => {
    fc.assert(
      fc.property(mutatedKeyFile('application'), (file) => {
        const error = parseOrKeyFileError(() => parseApplicationKey(file, ORIGIN, NOW));
        expect(leaked(error, file)).toEqual([]);
        expect(error?.source ?? ORIGIN).toBe(ORIGIN);
        expect(error?.code ?? 'ZITADEL_KEY_FILE_INVALID').toBe('ZITADEL_KEY_FILE_INVALID');
      }),
      SETTINGS,
    );
  });

  it('accepts a key only when every required field is a usable value, and the key it returns is the RSA key given', () => {
    let accepted = 0;
    fc.assert(
      fc.property(mutatedKeyFile('application'), (file) => {
        let key: ReturnType<typeof parseApplicationKey>;
        try {
          key = parseApplicationKey(file, ORIGIN, NOW);
        } catch {
          return;
        }
        accepted++;
        const usable = (field: string): boolean => {
          const value = file[field];
          return typeof value === 'string' && value.trim() !== '';
        };
        expect({
          type: file['type'],
          fields: ['keyId', 'appId', 'clientId', 'key'].every(usable),
          subject: key.subject,
          algorithm: key.privateKey.asymmetricKeyType,
          strong: (key.privateKey.asymmetricKeyDetails?.modulusLength ?? 0) >= 2048,
          current: key.expiresAt === undefined || key.expiresAt.getTime() > NOW.getTime(),
        }).toEqual({
          type: 'application',
          fields: true,
          subject: file['clientId'],
          algorithm: 'rsa',
          strong: true,
          current: true,
        });
      }),
      SETTINGS,
    );
    // The generator must reach the accepting side too, or the property says nothing.
    expect(accepted).toBeGreaterThan(SETTINGS.numRuns / 20);
  });

  it('reads any JSON text (keyJson) into a value or a ZitadelKeyFileError that does not quote the text', async () => {
    const text = fc.oneof(
      fc.string({ maxLength: 200 }),
      fc.string({ unit: 'binary', maxLength: 200 }),
      fc.jsonValue({ maxDepth: 2 }).map((value) => JSON.stringify(value)),
      mutatedKeyFile('serviceaccount').map((file) => JSON.stringify(file)),
      mutatedKeyFile('serviceaccount').map((file) => JSON.stringify(file).slice(0, -1)),
    );
    await fc.assert(
      fc.asyncProperty(text, async (keyJson) => {
        const read = await readKeySource({ keyJson }, 'serviceUser').then(
          ({ data }) => ({ data, message: undefined }),
          (error: unknown) => ({
            data: undefined,
            message:
              error instanceof ZitadelKeyFileError ? error.message : `not a ZitadelKeyFileError: ${String(error)}`,
          }),
        );
        // Invalid JSON gets one fixed sentence: the parser's own message would quote the text.
        expect(read.message ?? 'parsed').toBe(
          isJson(keyJson)
            ? 'parsed'
            : 'Key file serviceUser.keyJson: is not valid JSON. Use the file exactly as ZITADEL gave it.',
        );
        expect(
          leaked(
            parseOrKeyFileError(() => parseServiceUserKey(read.data, 'serviceUser.keyJson', NOW)),
            read.data,
          ),
        ).toEqual([]);
      }),
      { ...SETTINGS, numRuns: 500 },
    );
  });
});
