// Bad input over HTTP: arbitrary Authorization headers (garbage, near-miss Bearer headers, forged
// and mangled JWTs, mangled opaque tokens, repeated headers, oversized values) sent to a real Nest
// app guarded globally, over Express and Fastify. Every answer is 200, 401 or 403 (never a 5xx),
// a 401 carries its Bearer challenge, and no answer echoes what was sent.
import 'reflect-metadata';
import * as fc from 'fast-check';
import { PLATFORMS } from '../support/nest-app.js';
import type { RunningApp } from '../support/nest-app.js';
import { startGuardedApp, type Route } from './support/app.js';
import { startZitadel, type ZitadelFixture } from './support/fixture.js';
import { assertOwnLogClean } from './support/leaks.js';
import { LoadClient, Tally, type Shot } from './support/load.js';

const RUNS = 400;
let fixture: ZitadelFixture;
/** Valid tokens and what each route must answer for them. */
let valid: { token: string; me: number; admin: number }[];

beforeAll(async () => {
  fixture = await startZitadel();
  valid = [
    { token: await fixture.token(fixture.alice, 'opaque'), me: 200, admin: 200 },
    { token: await fixture.token(fixture.alice, 'jwt'), me: 200, admin: 200 },
    { token: await fixture.token(fixture.bob, 'opaque'), me: 200, admin: 403 },
    { token: await fixture.token(fixture.bob, 'jwt'), me: 200, admin: 403 },
  ];
});
afterAll(() => fixture.close());

const b64url = (value: unknown): string =>
  Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64url');
/** Characters Node's HTTP client lets into a header value (RFC 9110 field-value: VCHAR, SP, HTAB, obs-text). */
const fieldChar = fc
  .oneof(fc.integer({ min: 0x20, max: 0x7e }), fc.constant(0x09), fc.integer({ min: 0x80, max: 0xff }))
  .map((code) => String.fromCharCode(code));
const tokenChar = fc.constantFrom(...'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~+/='.split(''));

/** Headers built from nothing valid: whatever comes, the protected routes must answer 401. */
const forgedHeader: fc.Arbitrary<string | string[]> = fc.oneof(
  fc.string({ unit: fieldChar, maxLength: 300 }),
  fc.string({ unit: fieldChar, maxLength: 300 }).map((rest) => `Bearer ${rest}`),
  fc
    .tuple(
      fc.constantFrom('Bearer', 'bearer', 'BEARER', 'Bearer  ', 'Basic', 'Token', 'Bearer\t', 'DPoP'),
      fc.string({ unit: tokenChar, minLength: 1, maxLength: 400 }),
    )
    .map(([scheme, token]) => `${scheme} ${token}`),
  // Forged JWTs: any header (alg none, HS256, unknown kid, ...), any payload, any signature.
  fc
    .tuple(
      fc.record(
        {
          alg: fc.constantFrom('none', 'HS256', 'RS256', 'ES256', 'RS512', ''),
          kid: fc.option(fc.string({ maxLength: 20 }), { nil: undefined }),
          typ: fc.constantFrom('JWT', 'at+jwt'),
        },
        { requiredKeys: ['alg'] },
      ),
      fc.jsonValue({ maxDepth: 2 }),
      fc.oneof(fc.constant(''), fc.string({ unit: tokenChar, maxLength: 342 })),
    )
    .map(([header, payload, signature]) => `Bearer ${b64url(header)}.${b64url(payload)}.${signature}`),
  // Lengths around the cap (8192 characters).
  fc.tuple(fc.integer({ min: 8000, max: 9000 }), tokenChar).map(([length, char]) => `Bearer ${char.repeat(length)}`),
  // Two Authorization headers: refused even when one alone would do.
  fc
    .tuple(
      fc.string({ unit: tokenChar, minLength: 1, maxLength: 40 }),
      fc.string({ unit: tokenChar, minLength: 1, maxLength: 40 }),
    )
    .map(([a, b]) => [`Bearer ${a}`, `Bearer ${b}`]),
);

interface Mangled {
  readonly header: string | string[];
  readonly source: (typeof valid)[number] | undefined;
}

/** A valid token changed a little: a character replaced, cut, extended, the scheme changed, or left intact. */
function mangledHeader(): fc.Arbitrary<Mangled> {
  return fc
    .tuple(
      fc.nat({ max: valid.length - 1 }),
      fc.nat(),
      tokenChar,
      fc.constantFrom('replace', 'cut', 'append', 'intact', 'lowercase-scheme', 'twice', 'repeat-header'),
    )
    .map(([which, at, char, how]) => {
      const source = valid[which];
      if (source === undefined) throw new Error('unreachable');
      const { token } = source;
      const i = at % token.length;
      switch (how) {
        case 'replace':
          return { header: `Bearer ${token.slice(0, i)}${char}${token.slice(i + 1)}`, source };
        case 'cut':
          return { header: `Bearer ${token.slice(0, i)}`, source };
        case 'append':
          return { header: `Bearer ${token}${char}`, source };
        case 'lowercase-scheme':
          return { header: `bearer ${token}`, source };
        case 'twice':
          return { header: `Bearer ${token} ${token}`, source: undefined };
        case 'repeat-header':
          return { header: [`Bearer ${token}`, `Bearer ${token}`], source: undefined };
        default:
          return { header: `Bearer ${token}`, source };
      }
    });
}

const route = fc.constantFrom<Route>('/public', '/me', '/admin');

/** What a route may answer: anything derived from a valid token may still be valid (a base64 spare bit), or not. */
function allowed(path: Route, source: (typeof valid)[number] | undefined): number[] {
  if (path === '/public') return [200];
  if (source === undefined) return [401];
  return [...new Set([401, path === '/me' ? source.me : source.admin])];
}

describe.each(PLATFORMS)('arbitrary Authorization headers over %s', (platform) => {
  let app: RunningApp;
  let client: LoadClient;

  beforeAll(async () => {
    app = await startGuardedApp(platform, {
      issuer: fixture.zitadel.issuer,
      apiApplication: { key: fixture.apiKey },
      projectId: fixture.projectId,
    });
    client = new LoadClient(app.url, { maxSockets: 4 });
  });
  afterAll(async () => {
    client.close();
    await app.close();
  });
  // Each test's own log lines: no unexpected error, and no token, key or secret.
  afterEach(() => {
    const lines = app.logs.lines.splice(0);
    if (lines.length > 0) assertOwnLogClean(lines, fixture, /ExceptionsHandler|Access tokens? not checked/i);
  });

  /** Sends one header to one route and checks the answer; the tally keeps the account. */
  async function check(tally: Tally, path: Route, header: string | string[], expected: number[]): Promise<void> {
    const shot: Shot = { path, authorization: header, expect: expected, label: path };
    tally.sent++;
    const answer = await client.send(shot);
    tally.record(shot, answer);
    if (answer instanceof Error) throw new Error(`no answer for ${path}: ${answer.message}`);
    expect(expected).toContain(answer.status);
    const challenge = answer.headers['www-authenticate'];
    expect(answer.status !== 401 || (typeof challenge === 'string' && challenge.startsWith('Bearer realm="api"'))).toBe(
      true,
    );
    // Nothing sent comes back: no token or header fragment in the body or the challenge.
    const sent = (typeof header === 'string' ? [header] : header)
      .map((value) => value.replace(/^\s*bearer\s*/i, '').trim())
      .filter((value) => value.length >= 12);
    const echoed = sent.filter(
      (value) => answer.body.includes(value.slice(0, 40)) || String(challenge ?? '').includes(value.slice(0, 40)),
    );
    expect(echoed).toEqual([]);
  }

  it('answers forged headers 401 on protected routes and 200 on the public one, never 5xx', async () => {
    const tally = new Tally();
    await fc.assert(
      fc.asyncProperty(route, forgedHeader, (path, header) => check(tally, path, header, allowed(path, undefined))),
      { seed: 0x5eed_0101, numRuns: RUNS },
    );
    expect({
      lost: tally.lost,
      wrong: tally.wrong,
      serverErrors: tally.serverErrors,
      answered: tally.answered,
    }).toEqual({ lost: [], wrong: [], serverErrors: 0, answered: tally.sent });
  });

  it('answers mangled valid tokens 200, 401 or 403 as the token and route allow, never 5xx', async () => {
    const tally = new Tally();
    await fc.assert(
      fc.asyncProperty(route, mangledHeader(), (path, { header, source }) =>
        check(tally, path, header, allowed(path, source)),
      ),
      { seed: 0x5eed_0102, numRuns: RUNS },
    );
    expect({
      lost: tally.lost,
      wrong: tally.wrong,
      serverErrors: tally.serverErrors,
      answered: tally.answered,
    }).toEqual({ lost: [], wrong: [], serverErrors: 0, answered: tally.sent });
    // The run reached every kind of answer, or it proved little.
    expect([200, 401, 403].map((status) => tally.count(status) > 0)).toEqual([true, true, true]);
  });
});
