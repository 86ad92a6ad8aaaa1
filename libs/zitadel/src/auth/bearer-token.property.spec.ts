// Property-based tests of the Authorization header parser: whatever a client sends, the parser
// answers a token, `undefined` (no bearer credentials) or ZitadelTokenInvalidError('malformed'),
// and a token it answers is exactly the one well-formed b64token of a `Bearer` header.
import * as fc from 'fast-check';
import { ZitadelTokenInvalidError } from '../errors/token-invalid.error.js';
import { extractBearerToken, MAX_TOKEN_LENGTH } from './bearer-token.js';
import type { ZitadelRequest } from './request-context.js';

const SETTINGS = { seed: 0x5eed_0001, numRuns: 2000 } as const;
/** RFC 6750 §2.1 b64token: 1*( ALPHA / DIGIT / "-" / "." / "_" / "~" / "+" / "/" ) *"=" */
const B64TOKEN = /^[A-Za-z0-9\-._~+/]+=*$/;
const TOKEN_CHARS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~+/';

type Outcome = { kind: 'token'; token: string } | { kind: 'none' } | { kind: 'malformed' };

/** Runs the parser and classifies what happened; anything but the three outcomes fails the property. */
function outcome(request: ZitadelRequest | undefined): Outcome {
  let result: string | undefined;
  try {
    result = extractBearerToken(request);
  } catch (error) {
    if (error instanceof ZitadelTokenInvalidError && error.reason === 'malformed') return { kind: 'malformed' };
    throw new Error(
      `extractBearerToken threw something other than ZitadelTokenInvalidError('malformed'): ${String(error)}`,
      { cause: error },
    );
  }
  if (result === undefined) return { kind: 'none' };
  if (typeof result !== 'string') throw new Error(`extractBearerToken returned a ${typeof result}`);
  return { kind: 'token', token: result };
}

/** A request as Express hands it over: Node's header object plus the raw header list. */
function requestWith(values: readonly string[]): ZitadelRequest {
  const rawHeaders = values.flatMap((value, i) => [i % 2 === 0 ? 'Authorization' : 'authorization', value]);
  return { headers: values.length === 0 ? {} : { authorization: values[0] }, rawHeaders };
}

/** Any header value Node could deliver (latin1, as HTTP field values are read), plus near-misses of the grammar. */
const anyHeader = fc.oneof(
  fc.string({ maxLength: 200 }),
  fc.string({ unit: 'binary', maxLength: 200 }),
  fc.string({
    unit: fc.constantFrom(...'Bearer bearer \t,="\'\\;:%\u0000\u00ff\u0100-._~+/=aZ09'.split('')),
    maxLength: 60,
  }),
  fc
    .tuple(
      fc.constantFrom(
        'Bearer',
        'bearer',
        'BEARER',
        'BeArEr',
        'Bearer:',
        'Basic',
        'Bear',
        'Bearerx',
        ' Bearer',
        'Token',
        '',
      ),
      fc.string({ maxLength: 80 }),
    )
    .map(([scheme, rest]) => `${scheme}${rest}`),
  fc
    .tuple(fc.constantFrom('Bearer ', 'bearer  '), fc.string({ unit: 'binary', maxLength: 80 }))
    .map(([scheme, rest]) => scheme + rest),
);

const wellFormedToken = fc
  .tuple(
    fc.string({ unit: fc.constantFrom(...TOKEN_CHARS.split('')), minLength: 1, maxLength: 600 }),
    fc.nat({ max: 3 }),
  )
  .map(([body, padding]) => body + '='.repeat(padding));

const schemeCasing = fc.constantFrom('Bearer', 'bearer', 'BEARER', 'bEARER', 'BeArEr');

describe('extractBearerToken (property-based)', () => {
  it('answers a token, undefined or a malformed-token error for every header, and a token only from a well-formed Bearer header', () => {
    fc.assert(
      fc.property(anyHeader, (header) => {
        const result = outcome(requestWith([header]));
        const token = result.kind === 'token' ? result.token : undefined;
        // A token comes only from a header that is exactly: scheme, spaces, one b64token, optional trailing spaces.
        const exact = /^bearer +(.*?) *$/i.exec(header)?.[1];
        expect(
          token === undefined || (B64TOKEN.test(token) && token.length <= MAX_TOKEN_LENGTH && exact === token),
        ).toBe(true);
        // "No bearer credentials" only for headers of another scheme.
        expect(result.kind === 'none' && /^bearer(?: |$)/i.test(header)).toBe(false);
      }),
      SETTINGS,
    );
  });

  it('gives back every well-formed token exactly, whatever the scheme casing and the spaces around it', () => {
    fc.assert(
      fc.property(
        schemeCasing,
        fc.integer({ min: 1, max: 3 }),
        wellFormedToken,
        fc.nat({ max: 3 }),
        (scheme, before, token, after) => {
          const header = `${scheme}${' '.repeat(before)}${token}${' '.repeat(after)}`;
          expect(outcome(requestWith([header]))).toEqual({ kind: 'token', token });
        },
      ),
      SETTINGS,
    );
  });

  it('refuses a Bearer header whose credentials are not exactly one b64token (a second token, a separator, a control character)', () => {
    const intruder = fc.constantFrom(' x', ',x', '\t', '"', ';', '\u0000', '\u00e9', '%', '=x', '\\', ' , ');
    fc.assert(
      fc.property(schemeCasing, wellFormedToken, fc.nat({ max: 600 }), intruder, (scheme, token, at, insert) => {
        const position = Math.min(at, token.length);
        const credentials = token.slice(0, position) + insert + token.slice(position);
        // Spaces around the token are allowed by the grammar, so what counts is the credentials without them.
        fc.pre(!B64TOKEN.test(credentials.replace(/^ +| +$/g, '')));
        expect(outcome(requestWith([`${scheme} ${credentials}`]))).toEqual({ kind: 'malformed' });
      }),
      SETTINGS,
    );
  });

  it('ignores other schemes (Basic, Digest, DPoP, ...): no bearer credentials, not an error', () => {
    const scheme = fc.string({
      unit: fc.constantFrom(...'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz-'.split('')),
      minLength: 1,
      maxLength: 12,
    });
    fc.assert(
      fc.property(scheme, fc.string({ maxLength: 100 }), (name, rest) => {
        fc.pre(name.toLowerCase() !== 'bearer');
        expect(outcome(requestWith([`${name} ${rest}`]))).toEqual({ kind: 'none' });
      }),
      SETTINGS,
    );
  });

  it('refuses repeated Authorization headers, even when each is a well-formed Bearer header', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.oneof(
            wellFormedToken.map((t) => `Bearer ${t}`),
            anyHeader,
          ),
          { minLength: 2, maxLength: 4 },
        ),
        (values) => {
          expect(outcome(requestWith(values))).toEqual({ kind: 'malformed' });
          // Node may also hand over repeated headers as an array.
          expect(outcome({ headers: { authorization: values } })).toEqual({ kind: 'malformed' });
        },
      ),
      SETTINGS,
    );
  });

  it('refuses tokens longer than the cap and headers of any length beyond it, without echoing them', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: MAX_TOKEN_LENGTH + 1, max: MAX_TOKEN_LENGTH * 3 }),
        fc.constantFrom('a', 'Z', '9', '-'),
        (length, char) => {
          const token = char.repeat(length);
          let thrown: unknown;
          try {
            extractBearerToken(requestWith([`Bearer ${token}`]));
          } catch (error) {
            thrown = error;
          }
          expect(thrown).toBeInstanceOf(ZitadelTokenInvalidError);
          expect((thrown as Error).message).not.toContain(token.slice(0, 32));
        },
      ),
      { ...SETTINGS, numRuns: 50 },
    );
  });

  it('answers undefined for a request without an Authorization header or without a request (WebSockets, RPC)', () => {
    fc.assert(
      fc.property(
        fc.dictionary(
          fc.string({ maxLength: 20 }).filter((name) => name.toLowerCase() !== 'authorization'),
          fc.string({ maxLength: 40 }),
        ),
        (headers) => {
          expect(outcome({ headers })).toEqual({ kind: 'none' });
        },
      ),
      { ...SETTINGS, numRuns: 300 },
    );
    expect(outcome(undefined)).toEqual({ kind: 'none' });
  });
});
