// Faults of ZITADEL's token endpoint, injected through the emulator, seen by TokenService (the
// JWT-profile grant). Each case states its expected outcome: while ZITADEL cannot answer, every
// caller gets a typed error (ZitadelUnavailableError, or ZitadelResponseError for an answer that
// cannot be trusted), concurrent callers share one bounded series of attempts, no call is left
// pending, a cached token keeps being handed out, and tokens are minted again once the fault ends.
import 'reflect-metadata';
import { Test, type TestingModule } from '@nestjs/testing';
import { TokenService, ZitadelError, ZitadelModule, ZitadelScopes, type ZitadelErrorCode } from 'nestjs-zitadel';
import { ManualClock, type EmulatorFault } from 'nestjs-zitadel/testing';
import { startZitadel, type ZitadelFixture } from './support/fixture.js';

const RETRIES = 1;
const HTTP = { timeoutMs: 250, retries: RETRIES, backoffBaseMs: 1, backoffMaxMs: 100 };
/** A call that has not settled after this long counts as left pending (a hang), not as slow. */
const PENDING_MS = 10_000;

let fixture: ZitadelFixture;

beforeAll(async () => {
  fixture = await startZitadel();
});
afterAll(() => fixture.close());
/** Every module a test compiled, closed after it. */
const modules: TestingModule[] = [];
afterEach(async () => {
  fixture.zitadel.clearFaults();
  await Promise.all(modules.splice(0).map((moduleRef) => moduleRef.close()));
});

async function tokenService(
  http: object = HTTP,
  { zitadel, clock }: { zitadel?: ZitadelFixture; clock?: ManualClock } = {},
): Promise<TokenService> {
  const { zitadel: emulator, serviceUserKey } = zitadel ?? fixture;
  const moduleRef = await Test.createTestingModule({
    imports: [
      ZitadelModule.forRoot({
        issuer: emulator.issuer,
        serviceUser: { key: serviceUserKey },
        http,
        ...(clock === undefined ? {} : { clock }),
      }),
    ],
  }).compile();
  modules.push(moduleRef);
  return moduleRef.get(TokenService);
}

type Settled =
  { token: string } | { code: ZitadelErrorCode; status: number | undefined } | { other: string } | 'pending';

/** How a call ended: a token, a library error (code and status), anything else, or still pending. */
async function settle(call: Promise<string>): Promise<Settled> {
  let timer: NodeJS.Timeout | undefined;
  const pending = new Promise<'pending'>((resolve) => (timer = setTimeout(() => resolve('pending'), PENDING_MS)));
  const outcome = call.then(
    (token): Settled => ({ token }),
    (error: unknown): Settled =>
      error instanceof ZitadelError
        ? { code: error.code, status: (error as { status?: number }).status }
        : { other: String(error) },
  );
  try {
    return await Promise.race([outcome, pending]);
  } finally {
    clearTimeout(timer);
  }
}

interface Outage {
  readonly name: string;
  readonly fault: Omit<EmulatorFault, 'endpoint' | 'times'>;
  readonly error: { code: ZitadelErrorCode; status: number | undefined };
  /** Token requests ZITADEL sees for one (shared) renewal while the fault lasts. */
  readonly attempts: number;
}

const outages: Outage[] = [
  {
    name: 'answering 500',
    // Not `{"error":"server_error"}`: on this grant that is ZITADEL's refused assertion (token-assertion-500).
    fault: { status: 500 },
    error: { code: 'ZITADEL_UNAVAILABLE', status: 500 },
    attempts: RETRIES + 1,
  },
  {
    name: 'answering 429 with Retry-After: 120',
    fault: { status: 429, headers: { 'retry-after': '120' } },
    error: { code: 'ZITADEL_UNAVAILABLE', status: 429 },
    attempts: 1,
  },
  {
    name: 'hanging past the 250 ms timeout',
    fault: { delayMs: 2_000 },
    error: { code: 'ZITADEL_UNAVAILABLE', status: undefined },
    attempts: RETRIES + 1,
  },
  {
    name: 'resetting connections',
    fault: { drop: true },
    error: { code: 'ZITADEL_UNAVAILABLE', status: undefined },
    attempts: RETRIES + 1,
  },
  {
    name: 'answering 200 with a body that is not JSON',
    fault: { status: 200, body: '<html>' },
    error: { code: 'ZITADEL_RESPONSE_INVALID', status: 200 },
    attempts: 1,
  },
  {
    name: 'answering 200 without an access_token',
    fault: { status: 200, body: { token_type: 'Bearer' } },
    error: { code: 'ZITADEL_RESPONSE_INVALID', status: 200 },
    attempts: 1,
  },
];

describe('token endpoint down', () => {
  it.each(outages)(
    'token endpoint $name: 10 concurrent callers each get $error.code, sharing $attempts request(s); the cached token keeps serving; minting works once it ends',
    async ({ fault, error, attempts }) => {
      const { zitadel } = fixture;
      const tokens = await tokenService();
      const audience = [ZitadelScopes.projectAudience(fixture.projectId)];
      const cached = await tokens.getAccessToken({ scopes: audience });

      zitadel.injectFault({ endpoint: 'token', ...fault });
      const before = zitadel.requestCount('token');
      const outcomes = await Promise.all(
        Array.from({ length: 10 }, () => settle(tokens.getAccessToken({ scopes: ['profile'] }))),
      );
      expect(outcomes).toEqual(Array.from({ length: 10 }, () => error));
      expect(zitadel.requestCount('token') - before).toBe(attempts);
      // A token minted before the outage is still handed out, without asking ZITADEL.
      expect(await settle(tokens.getAccessToken({ scopes: audience }))).toEqual({ token: cached });
      expect(zitadel.requestCount('token') - before).toBe(attempts);

      zitadel.clearFaults();
      expect(await settle(tokens.getAccessToken({ scopes: ['profile'] }))).toEqual({ token: expect.any(String) });
    },
  );
});

describe('token endpoint failing briefly', () => {
  const blips: { name: string; fault: Omit<EmulatorFault, 'endpoint'> }[] = [
    { name: 'one 500', fault: { status: 500, times: 1 } },
    { name: 'one 429 with Retry-After: 1', fault: { status: 429, headers: { 'retry-after': '1' }, times: 1 } },
    { name: 'one reset connection', fault: { drop: true, times: 1 } },
    { name: 'one answer slower than the timeout', fault: { delayMs: 1_000, times: 1 } },
  ];

  it.each(blips)('token endpoint with $name: retried once, the caller gets a token', async ({ fault }) => {
    const tokens = await tokenService({ ...HTTP, backoffMaxMs: 1_500 });
    fixture.zitadel.injectFault({ endpoint: 'token', ...fault });
    const before = fixture.zitadel.requestCount('token');
    expect(await settle(tokens.getAccessToken({ scopes: ['email'] }))).toEqual({ token: expect.any(String) });
    expect(fixture.zitadel.requestCount('token') - before).toBe(2);
  });
});

describe('token renewal during an outage', () => {
  it('keeps handing out a token due for renewal while the token endpoint answers 503, and renews it once ZITADEL is back', async () => {
    // Its own emulator, sharing the clock with the module; no backoff, as retries wait on that clock.
    const clock = new ManualClock();
    const own = await startZitadel({ clock });
    onTestFinished(() => own.close());
    const { zitadel } = own;
    const tokens = await tokenService({ ...HTTP, backoffBaseMs: 0, backoffMaxMs: 0 }, { zitadel: own, clock });
    const first = await tokens.getAccessToken();
    zitadel.injectFault({ endpoint: 'token', status: 503 });
    // The emulator's lifetime is 43200 s: past 80 % the token is renewed in the background, and
    // handed out until 60 s before it expires.
    await clock.advance(36_000_000);
    const before = zitadel.requestCount('token');
    expect(await settle(tokens.getAccessToken())).toEqual({ token: first });
    await vi.waitFor(() => expect(zitadel.requestCount('token') - before).toBe(RETRIES + 1));
    expect(await settle(tokens.getAccessToken())).toEqual({ token: first });

    zitadel.clearFaults();
    await vi.waitFor(async () => expect(await settle(tokens.getAccessToken())).not.toEqual({ token: first }));
  });
});
