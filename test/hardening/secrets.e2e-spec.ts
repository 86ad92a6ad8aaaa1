// Secrets never leak: real guarded Nest apps (private_key_jwt and client_secret_basic
// introspection), TokenService (JWT-profile assertions, client credentials, a personal access
// token) and module bootstrap with broken key files run with every log level captured (Nest
// logger, console and process output). Tokens, assertions, private keys and client secrets are
// driven through every path, failures included (bad, expired, forged tokens; ZITADEL failing,
// hanging, resetting, refusing credentials); the test fails if any of them appears in a log
// line, an error (message, stack, cause, inspection) or an HTTP answer (body or headers).
import 'reflect-metadata';
import { generateKeyPairSync } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { inspect } from 'node:util';
import type { INestApplication, LoggerService } from '@nestjs/common';
import { Logger } from '@nestjs/common';
import { saveGlobalLogger } from '../support/global-logger.js';
import { ExpressAdapter } from '@nestjs/platform-express';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import { Test } from '@nestjs/testing';
import { TokenService, ZitadelModule, ZitadelScopes, type ZitadelModuleOptions } from 'nestjs-zitadel';
import type { EmulatorFault } from 'nestjs-zitadel/testing';
import { hardeningAppModule } from './support/app.js';
import { startZitadel, type ZitadelFixture } from './support/fixture.js';
import { LoadClient, type Answer } from './support/load.js';

/** Everything written anywhere while the tests run: Nest logger (all levels), console, stdout, stderr. */
class Capture implements LoggerService {
  readonly lines: string[] = [];
  log(...parts: unknown[]): void {
    this.add(parts);
  }
  error(...parts: unknown[]): void {
    this.add(parts);
  }
  warn(...parts: unknown[]): void {
    this.add(parts);
  }
  debug(...parts: unknown[]): void {
    this.add(parts);
  }
  verbose(...parts: unknown[]): void {
    this.add(parts);
  }
  fatal(...parts: unknown[]): void {
    this.add(parts);
  }
  add(parts: readonly unknown[]): void {
    this.lines.push(
      parts.map((part) => (typeof part === 'string' ? part : inspect(part, { depth: 10, showHidden: true }))).join(' '),
    );
  }
}

const capture = new Capture();
let fixture: ZitadelFixture;
/** Every secret the tests handed to the library or received from ZITADEL, by what it is. */
const secrets = new Map<string, string>();
/** Texts the library produced that must hold none of them: error descriptions and HTTP answers. */
const produced: string[] = [];

function track(kind: string, value: string): string {
  secrets.set(value, kind);
  return value;
}

function trackKey(kind: string, pem: string): void {
  for (const line of pem.split('\n'))
    if (line.length >= 16 && !line.startsWith('-----')) secrets.set(line, `${kind} (PEM line)`);
}

/** What of the secrets a text holds: tracked values, JWTs (tokens, assertions) and PEM blocks. */
function leaks(text: string): string[] {
  const found = [...secrets].filter(([value]) => text.includes(value)).map(([, kind]) => kind);
  if (/eyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}/.test(text)) found.push('a JWT (eyJ...)');
  if (/-----BEGIN [A-Z ]*PRIVATE KEY-----/.test(text)) found.push('a PEM private key');
  return found;
}

/** An error as every way of printing it shows it: message, stack, causes, inspection, JSON. */
function describeError(error: unknown): string {
  return [
    String(error),
    error instanceof Error ? (error.stack ?? '') : '',
    inspect(error, { depth: 10, showHidden: true }),
    safeJson(error),
  ].join('\n');
}

function safeJson(value: unknown): string {
  try {
    return JSON.stringify(value) ?? '';
  } catch {
    return '';
  }
}

const spies: { mockRestore(): void }[] = [];
let restoreLogger: () => void = () => undefined;

/** The `client_secret_basic` credentials of a client: they hold the secret. */
function basic(id: string, secret: string): string {
  return Buffer.from(`${encodeURIComponent(id)}:${encodeURIComponent(secret)}`).toString('base64');
}

beforeAll(async () => {
  // Console and raw process output too: anything printed outside Nest's logger counts.
  for (const method of ['log', 'info', 'warn', 'error', 'debug', 'trace'] as const) {
    const original = console[method].bind(console);
    spies.push(
      vi.spyOn(console, method).mockImplementation((...parts: unknown[]) => {
        capture.add(parts);
        original(...parts);
      }),
    );
  }
  for (const stream of [process.stdout, process.stderr]) {
    const original = stream.write.bind(stream) as (...args: unknown[]) => boolean;
    spies.push(
      vi.spyOn(stream, 'write').mockImplementation(((chunk: unknown, ...rest: unknown[]) => {
        capture.add([
          typeof chunk === 'string' ? chunk : Buffer.isBuffer(chunk) ? chunk.toString('utf8') : String(chunk),
        ]);
        return original(chunk, ...rest);
      }) as typeof stream.write),
    );
  }
  restoreLogger = saveGlobalLogger();
  Logger.overrideLogger(capture);
  fixture = await startZitadel();
  trackKey('API application key', fixture.apiKey.key);
  trackKey('service user key', fixture.serviceUserKey.key);
  track('API client secret', fixture.secretApp.clientSecret);
  track('service user client secret', fixture.secretServiceUser.clientSecret);
  track('Basic credentials of the API', basic(fixture.secretApp.clientId, fixture.secretApp.clientSecret));
  track(
    'Basic credentials of the service user',
    basic(fixture.secretServiceUser.clientId, fixture.secretServiceUser.clientSecret),
  );
});
afterEach(() => fixture.zitadel.clearFaults());
afterAll(async () => {
  for (const spy of spies) spy.mockRestore();
  restoreLogger();
  await fixture?.close();
});

interface App {
  readonly app: INestApplication;
  readonly client: LoadClient;
}

async function startApp(platform: 'express' | 'fastify', options: Partial<ZitadelModuleOptions>): Promise<App> {
  const moduleRef = await Test.createTestingModule({
    imports: [
      hardeningAppModule({
        issuer: fixture.zitadel.issuer,
        projectId: fixture.projectId,
        http: { timeoutMs: 200, retries: 1, backoffBaseMs: 1, backoffMaxMs: 50 },
        ...options,
      }),
    ],
  })
    .setLogger(capture)
    .compile();
  const app = moduleRef.createNestApplication(platform === 'express' ? new ExpressAdapter() : new FastifyAdapter(), {
    logger: capture,
  });
  await app.listen(0, '127.0.0.1');
  const { port } = app.getHttpServer().address() as AddressInfo;
  return { app, client: new LoadClient(`http://127.0.0.1:${port}`, { maxSockets: 4 }) };
}

async function stop({ app, client }: App): Promise<void> {
  client.close();
  await app.close();
}

/** Sends a request and keeps its whole answer (status line aside) for the leak check. */
async function call(app: App, path: string, authorization?: string | string[]): Promise<number> {
  const answer: Answer | Error = await app.client.send({
    path,
    ...(authorization === undefined ? {} : { authorization }),
  });
  if (answer instanceof Error) throw new Error(`no answer: ${answer.message}`);
  produced.push(answer.body, JSON.stringify(answer.headers));
  return answer.status;
}

/** Issues tokens of every kind and tracks them. */
async function tokens(): Promise<Record<string, string>> {
  const { alice, bob } = fixture;
  const issue = async (
    kind: string,
    userId: string,
    format: 'opaque' | 'jwt',
    extra: Parameters<ZitadelFixture['token']>[2] = {},
  ): Promise<[string, string]> => [kind, track(`${kind} token`, await fixture.token(userId, format, extra))];
  return Object.fromEntries(
    await Promise.all([
      issue('opaque', alice, 'opaque'),
      issue('jwt', alice, 'jwt'),
      issue('opaque no role', bob, 'opaque'),
      issue('jwt no role', bob, 'jwt'),
      issue('expired jwt', alice, 'jwt', { expiresIn: -60 }),
      issue('expired opaque', alice, 'opaque', { expiresIn: -60 }),
      issue('early jwt', alice, 'jwt', { notBefore: new Date(Date.now() + 3_600_000) }),
    ]),
  );
}

/** Every request shape against every route: valid, role-denied, expired, tampered, forged, malformed, oversized, repeated. */
async function driveRequests(app: App, issued: Record<string, string>): Promise<number[]> {
  const statuses: number[] = [];
  const values = Object.values(issued);
  const tampered = track('tampered token', `${(issued['jwt'] ?? '').slice(0, -6)}AAAAAA`);
  const garbage = track('garbage token', 'Zm9yZ2VkLW9wYXF1ZS10b2tlbi0xMjM0NTY3ODkw');
  const oversized = track('oversized token', 'A'.repeat(9_000));
  for (const path of ['/me', '/admin', '/public']) {
    for (const token of [...values, tampered, garbage, oversized])
      statuses.push(await call(app, path, `Bearer ${token}`));
    statuses.push(await call(app, path, [`Bearer ${issued['opaque'] ?? ''}`, `Bearer ${issued['jwt'] ?? ''}`]));
    statuses.push(await call(app, path, `Bearer ${issued['jwt'] ?? ''} ${issued['opaque'] ?? ''}`));
    statuses.push(
      await call(app, path, `Basic ${[...secrets].find(([, kind]) => kind.startsWith('Basic'))?.[0] ?? ''}`),
    );
  }
  return statuses;
}

const outages: [string, Omit<EmulatorFault, 'endpoint'>][] = [
  ['500', { status: 500, body: { error: 'server_error', error_description: 'Errors.Internal' } }],
  ['429 with Retry-After', { status: 429, headers: { 'retry-after': '30' } }],
  ['a hang', { delayMs: 1_000 }],
  ['a reset', { drop: true }],
  [
    'refused credentials',
    { status: 400, body: { error: 'unauthorized_client', error_description: 'client authentication failed' } },
  ],
  ['an HTML page', { status: 200, body: '<html>proxy error</html>' }],
];

describe('no secret in logs, errors or answers', () => {
  it.each(['express', 'fastify'] as const)(
    'guard with private_key_jwt introspection over %s: every token path, ZITADEL healthy and failing',
    async (platform) => {
      const app = await startApp(platform, { apiApplication: { key: fixture.apiKey } });
      try {
        const issued = await tokens();
        const healthy = await driveRequests(app, issued);
        expect(new Set(healthy)).toEqual(new Set([200, 401, 403]));
        for (const [, fault] of outages) {
          for (const endpoint of ['introspect', 'jwks'] as const) fixture.zitadel.injectFault({ endpoint, ...fault });
          await fixture.zitadel.rotateSigningKeys();
          const fresh = track('fresh opaque token', await fixture.token(fixture.alice, 'opaque'));
          const rotated = track('fresh jwt token', await fixture.token(fixture.alice, 'jwt'));
          for (const path of ['/me', '/public']) {
            expect(await call(app, path, `Bearer ${fresh}`)).toBe(path === '/me' ? 503 : 200);
            // A new signing key: 503 when the JWKS refetch fails, 401 within the refetch cooldown after a successful one.
            expect(path === '/me' ? [401, 503] : [200]).toContain(await call(app, path, `Bearer ${rotated}`));
          }
          fixture.zitadel.clearFaults();
        }
      } finally {
        await stop(app);
      }
      expect(capture.lines.some((line) => line.includes('answering 503'))).toBe(true);
      expect(leaks([...capture.lines, ...produced].join('\n'))).toEqual([]);
    },
  );

  it('guard with client_secret_basic introspection (every token introspected), healthy, failing, and with a wrong secret', async () => {
    const app = await startApp('express', { apiApplication: fixture.secretApp, tokenValidation: 'introspection' });
    const wrongSecret = track('wrong client secret', 'wrong-secret-9f8e7d6c5b4a');
    const wrong = await startApp('express', {
      apiApplication: { clientId: fixture.secretApp.clientId, clientSecret: wrongSecret },
    });
    try {
      const issued = await tokens();
      await driveRequests(app, issued);
      for (const [, fault] of outages) {
        fixture.zitadel.injectFault({ endpoint: 'introspect', ...fault });
        expect(
          await call(app, '/me', `Bearer ${track('fresh opaque token', await fixture.token(fixture.alice, 'opaque'))}`),
        ).toBe(503);
        fixture.zitadel.clearFaults();
      }
      // ZITADEL refuses the wrong secret: 503 (the API is misconfigured), and the secret stays out of sight.
      expect(await call(wrong, '/me', `Bearer ${issued['opaque'] ?? ''}`)).toBe(503);
    } finally {
      await stop(app);
      await stop(wrong);
    }
    expect(capture.lines.some((line) => line.includes('unauthorized_client'))).toBe(true);
    expect(leaks([...capture.lines, ...produced].join('\n'))).toEqual([]);
  });

  it('guard with an application key ZITADEL does not know (its assertions refused): 503, no assertion or key in sight', async () => {
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const pem = privateKey.export({ type: 'pkcs1', format: 'pem' }).toString();
    trackKey('unknown application key', pem);
    const app = await startApp('express', {
      apiApplication: { key: { ...fixture.apiKey, keyId: '123456789', key: pem } },
    });
    try {
      expect(
        await call(app, '/me', `Bearer ${track('opaque token', await fixture.token(fixture.alice, 'opaque'))}`),
      ).toBe(503);
    } finally {
      await stop(app);
    }
    expect(leaks([...capture.lines, ...produced].join('\n'))).toEqual([]);
  });

  it('TokenService: JWT-profile assertions, client credentials and a personal access token, with every fault and refused credentials', async () => {
    const services: [string, Partial<ZitadelModuleOptions>][] = [
      ['key file', { serviceUser: { keyJson: JSON.stringify(fixture.serviceUserKey) } }],
      ['client credentials', { serviceUser: fixture.secretServiceUser }],
      [
        'wrong client secret',
        {
          serviceUser: {
            clientId: fixture.secretServiceUser.clientId,
            clientSecret: track('wrong service user secret', 'nope-0123456789abcdef'),
          },
        },
      ],
      [
        'personal access token',
        { serviceUser: { personalAccessToken: track('personal access token', 'pat-1a2b3c4d5e6f7a8b9c0d') } },
      ],
    ];
    const errors: string[] = [];
    for (const [, options] of services) {
      const moduleRef = await Test.createTestingModule({
        imports: [
          ZitadelModule.forRoot({
            issuer: fixture.zitadel.issuer,
            http: { timeoutMs: 200, retries: 1, backoffBaseMs: 1, backoffMaxMs: 50 },
            ...options,
          }),
        ],
      })
        .setLogger(capture)
        .compile();
      const service = moduleRef.get(TokenService);
      const scopes = [ZitadelScopes.projectAudience(fixture.projectId)];
      await service.getAccessToken({ scopes }).then(
        (token) => track('minted token', token),
        (error: unknown) => errors.push(describeError(error)),
      );
      for (const [, fault] of outages) {
        fixture.zitadel.injectFault({ endpoint: 'token', ...fault });
        service.invalidate();
        await service.getAccessToken({ scopes: ['profile'] }).then(
          (token) => track('minted token', token),
          (error: unknown) => errors.push(describeError(error)),
        );
        fixture.zitadel.clearFaults();
      }
      await moduleRef.close();
    }
    expect(errors.length).toBeGreaterThan(outages.length);
    expect(leaks([...capture.lines, ...errors].join('\n'))).toEqual([]);
  });

  it('bootstrap with broken key files: the configuration error names the problem, never the key', async () => {
    const pem = fixture.apiKey.key;
    const broken: [string, ZitadelModuleOptions['apiApplication']][] = [
      ['truncated PEM', { key: { ...fixture.apiKey, key: pem.slice(0, 400) } }],
      ['PEM in the wrong field', { key: { ...fixture.apiKey, type: pem as 'application' } }],
      [
        'PEM as the client id, key missing',
        { keyJson: JSON.stringify({ ...fixture.apiKey, clientId: 42, key: undefined, keyId: pem }) },
      ],
      ['JSON cut short', { keyJson: JSON.stringify(fixture.apiKey).slice(0, -40) }],
      ['service user key given as application key', { keyJson: JSON.stringify(fixture.serviceUserKey) }],
      ['a secret without an id', { clientSecret: fixture.secretApp.clientSecret } as never],
    ];
    const errors: string[] = [];
    for (const [, apiApplication] of broken) {
      const error = await Test.createTestingModule({
        imports: [
          ZitadelModule.forRoot({ issuer: fixture.zitadel.issuer, projectId: fixture.projectId, apiApplication }),
        ],
      })
        .setLogger(capture)
        .compile()
        .then(
          () => undefined,
          (thrown: unknown) => thrown,
        );
      expect(error).toMatchObject({ code: 'ZITADEL_CONFIGURATION_INVALID' });
      errors.push(describeError(error));
    }
    expect(leaks([...capture.lines, ...errors].join('\n'))).toEqual([]);
  });

  it('captures something at every level it claims to capture, and the leak check finds what it looks for (the net is really there)', async () => {
    // This test writes what it then looks for: a guard answering 503 after a retry, and a minted token.
    const from = capture.lines.length;
    const token = track('opaque token', await fixture.token(fixture.alice, 'opaque'));
    const app = await startApp('express', { apiApplication: { key: fixture.apiKey } });
    try {
      fixture.zitadel.injectFault({ endpoint: 'introspect', status: 500 });
      expect(await call(app, '/me', `Bearer ${token}`)).toBe(503);
    } finally {
      fixture.zitadel.clearFaults();
      await stop(app);
    }
    const moduleRef = await Test.createTestingModule({
      imports: [
        ZitadelModule.forRoot({ issuer: fixture.zitadel.issuer, serviceUser: { key: fixture.serviceUserKey } }),
      ],
    })
      .setLogger(capture)
      .compile();
    try {
      track('minted token', await moduleRef.get(TokenService).getAccessToken());
    } finally {
      await moduleRef.close();
    }
    const all = capture.lines.slice(from).join('\n');
    // debug: retries and minted tokens; warn: 503 answers; log: Nest's start-up lines.
    expect(
      [/retrying/, /answering 503/, /Nest application successfully started/, /Got an access token/].map((pattern) =>
        pattern.test(all),
      ),
    ).toEqual([true, true, true, true]);
    expect(leaks(all)).toEqual([]);
    const pemLine = fixture.apiKey.key.split('\n')[3] ?? '';
    expect(leaks(`a ${token} b`)).toContain('opaque token');
    expect(leaks(`key ${pemLine}`)).toContain('API application key (PEM line)');
    expect(leaks(`client ${fixture.secretApp.clientSecret}`)).toContain('API client secret');
    expect(leaks('eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.c2ln')).toEqual(['a JWT (eyJ...)']);
    expect(leaks('-----BEGIN RSA PRIVATE KEY-----')).toEqual(['a PEM private key']);
  });
});
