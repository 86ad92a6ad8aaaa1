// JWT and JWE payloads on @ZitadelAction() routes, over Express and Fastify, as ZITADEL sends them
// (internal/execution: the context JSON signed with the instance's active web key, `typ: JWT`;
// for JWE that JWS encrypted with RSA-OAEP-256 + A256GCM to the target's public key, `cty: JWT`;
// the ZITADEL-Signature HMAC over the compact text; always `Content-Type: application/json`).
// useZitadelActionBodyParser() lets the body past the platforms' JSON parsers; the JWS is checked
// against the JWKS the module discovers at its issuer (the hostile issuer, here honest).
import { createHmac, generateKeyPairSync } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { Body, Controller, Module, Post, type INestApplication } from '@nestjs/common';
import { ExpressAdapter } from '@nestjs/platform-express';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import { Test } from '@nestjs/testing';
import { CompactEncrypt, SignJWT } from 'jose';
import {
  useZitadelActionBodyParser,
  ZitadelAction,
  ZitadelActionPayload,
  ZitadelConfigurationError,
  ZitadelModule,
  type ZitadelFunctionContext,
} from 'nestjs-zitadel';
import { startHostileIssuer, type HostileIssuer } from './support/hostile-issuer.js';
import { PLATFORMS, RecordingLogger, type Platform } from './support/nest-app.js';

const SIGNING_KEY = 'signing-key-of-the-jwt-targets';
const target = generateKeyPairSync('rsa', { modulusLength: 2048 });
const stranger = generateKeyPairSync('rsa', { modulusLength: 2048 });
const CONTEXT = { function: 'function/preaccesstoken', user: { id: '7', username: 'ada' }, org: { id: '9' } };

const sign = (body: string): string => {
  const t = Math.floor(Date.now() / 1000);
  return `t=${t},v1=${createHmac('sha256', SIGNING_KEY).update(`${t}.${body}`).digest('hex')}`;
};

/** ZITADEL's payloadJWE: the JWS encrypted to the target's public key. */
const jwe = async (inner: string, publicKey = target.publicKey): Promise<string> =>
  new CompactEncrypt(new TextEncoder().encode(inner))
    .setProtectedHeader({ alg: 'RSA-OAEP-256', enc: 'A256GCM', kid: 'target-key', typ: 'JWT', cty: 'JWT' })
    .encrypt(publicKey);

/** What the handlers saw: a refused call must leave no trace here. */
const seen: { route: string; payload: unknown }[] = [];

@Controller('zitadel')
class JoseHooks {
  @ZitadelAction({ payloadType: 'jwt' })
  @Post('jwt')
  jwt(@ZitadelActionPayload() context: ZitadelFunctionContext) {
    seen.push({ route: 'jwt', payload: context });
    return { user: context.user?.id };
  }

  @ZitadelAction({ payloadType: 'jwe' })
  @Post('jwe')
  jwe(@ZitadelActionPayload() context: ZitadelFunctionContext) {
    seen.push({ route: 'jwe', payload: context });
    return { user: context.user?.id };
  }

  @ZitadelAction()
  @Post('json')
  json(@ZitadelActionPayload() context: ZitadelFunctionContext) {
    seen.push({ route: 'json', payload: context });
    return { user: context.user?.id };
  }
}

/** A route outside the action paths: the platform's own JSON parser still serves it. */
@Controller('api')
class PlainApi {
  @Post('echo')
  echo(@Body() body: unknown) {
    return { body };
  }
}

interface Running {
  app: INestApplication;
  url: string;
}

async function boot(platform: Platform, issuer: string): Promise<Running> {
  @Module({
    imports: [
      ZitadelModule.forRoot({
        issuer,
        projectId: '1',
        tokenValidation: 'jwt',
        actions: {
          signingKeys: SIGNING_KEY,
          decryptionKey: target.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
        },
      }),
    ],
    controllers: [JoseHooks, PlainApi],
  })
  class JoseAppModule {}
  const moduleRef = await Test.createTestingModule({ imports: [JoseAppModule] }).compile();
  // No rawBody: true: the helper keeps the bytes on the action paths itself.
  const app = moduleRef.createNestApplication(platform === 'express' ? new ExpressAdapter() : new FastifyAdapter(), {
    logger: new RecordingLogger(),
  });
  // --- README: "JWT and JWE payloads" ---
  useZitadelActionBodyParser(app, { paths: ['/zitadel'] }); // limit: 1 MiB by default
  // --- end of README snippet ---
  await app.listen(0, '127.0.0.1');
  const { port } = app.getHttpServer().address() as AddressInfo;
  return { app, url: `http://127.0.0.1:${port}` };
}

async function post(url: string, body: string, signature?: string): Promise<{ status: number; body: unknown }> {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (signature !== undefined) headers['zitadel-signature'] = signature;
  const response = await fetch(url, { method: 'POST', headers, body });
  return { status: response.status, body: await response.json() };
}

describe.each(PLATFORMS)('JWT and JWE payloads over %s', (platform) => {
  let issuer: HostileIssuer;
  let running: Running;
  /** The instance's web key signs the context, as ZITADEL's payloadJWT does. */
  const jws = (claims: Record<string, unknown> = CONTEXT): Promise<string> => issuer.sign(claims, { typ: 'JWT' });
  beforeAll(async () => {
    issuer = await startHostileIssuer();
    running = await boot(platform, issuer.issuer);
  });
  afterAll(async () => {
    await running.app.close();
    await issuer.close();
  });
  beforeEach(() => {
    seen.length = 0;
  });

  it("hands the handler a JWT payload's claims, verified against the instance's JWKS", async () => {
    const body = await jws();
    expect(await post(`${running.url}/zitadel/jwt`, body, sign(body))).toEqual({ status: 201, body: { user: '7' } });
    expect(seen).toEqual([{ route: 'jwt', payload: expect.objectContaining(CONTEXT) }]);
  });

  it('hands the handler the claims of a JWE decrypted with actions.decryptionKey', async () => {
    const body = await jwe(await jws());
    expect(await post(`${running.url}/zitadel/jwe`, body, sign(body))).toEqual({ status: 201, body: { user: '7' } });
    expect(seen).toEqual([{ route: 'jwe', payload: expect.objectContaining(CONTEXT) }]);
  });

  it('still takes JSON payloads on the action paths', async () => {
    const body = JSON.stringify(CONTEXT);
    expect(await post(`${running.url}/zitadel/json`, body, sign(body))).toEqual({ status: 201, body: { user: '7' } });
  });

  it.each<
    [
      string,
      (
        jws: () => Promise<string>,
        jwe: (inner: string, key?: typeof target.publicKey) => Promise<string>,
      ) => Promise<string>,
      string,
      string,
    ]
  >([
    [
      'a JWT signed with a key outside the JWKS',
      () =>
        new SignJWT(CONTEXT)
          .setProtectedHeader({ alg: 'RS256', kid: issuer.kid, typ: 'JWT' })
          .sign(stranger.privateKey),
      'jwt',
      'not signed with the instance',
    ],
    ['a JSON body on a jwt route', () => Promise.resolve(JSON.stringify(CONTEXT)), 'jwt', 'malformed'],
    [
      'a JWE encrypted to another key',
      async (j, e) => e(await j(), stranger.publicKey),
      'jwe',
      'not encrypted to this',
    ],
    [
      'a tampered JWE',
      async (j, e) => {
        const parts = (await e(await j())).split('.');
        const ciphertext = parts[3] ?? '';
        parts[3] = (ciphertext.startsWith('A') ? 'B' : 'A') + ciphertext.slice(1);
        return parts.join('.');
      },
      'jwe',
      'not encrypted to this',
    ],
    [
      'a JWE holding a JWT of a stranger',
      async (_j, e) =>
        e(await new SignJWT(CONTEXT).setProtectedHeader({ alg: 'RS256', kid: issuer.kid }).sign(stranger.privateKey)),
      'jwe',
      'not signed with the instance',
    ],
  ])('refuses %s with 401 without running the handler', async (_name, build, route, message) => {
    // The ZITADEL-Signature is genuine: only the body's own JWS/JWE is wrong.
    const body = await build(jws, jwe);
    const answer = await post(`${running.url}/zitadel/${route}`, body, sign(body));
    expect(answer.status).toBe(401);
    expect(JSON.stringify(answer.body)).toContain(message);
    expect(JSON.stringify(answer.body)).not.toContain(body);
    expect(seen).toEqual([]);
  });

  it('leaves other paths to the platform: JSON parsed, a non-JSON body refused with 400', async () => {
    expect(await post(`${running.url}/api/echo`, '{"a":1}')).toEqual({ status: 201, body: { body: { a: 1 } } });
    expect((await post(`${running.url}/api/echo`, await jws())).status).toBe(400);
  });
});

describe.each(PLATFORMS)('useZitadelActionBodyParser() misuse over %s', (platform) => {
  it('refuses an initialised app, empty paths and relative paths, naming the fix', async () => {
    const moduleRef = await Test.createTestingModule({ controllers: [PlainApi] }).compile();
    const app = moduleRef.createNestApplication(platform === 'express' ? new ExpressAdapter() : new FastifyAdapter(), {
      logger: false,
    });
    expect(() => useZitadelActionBodyParser(app, { paths: [] })).toThrow(/paths.*e\.g\. \['\/zitadel'\]/s);
    expect(() => useZitadelActionBodyParser(app, { paths: ['zitadel'] })).toThrow(/starting with '\/'/);
    expect(() => useZitadelActionBodyParser(app, { paths: ['/z'], limit: 0 })).toThrow(/limit/);
    await app.init();
    expect(() => useZitadelActionBodyParser(app, { paths: ['/zitadel'] })).toThrow(ZitadelConfigurationError);
    expect(() => useZitadelActionBodyParser(app, { paths: ['/zitadel'] })).toThrow(/before app\.init\(\)/);
    await app.close();
  });
});
