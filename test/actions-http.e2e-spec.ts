// @ZitadelAction() routes over Express and Fastify: ZITADEL's signed calls (signed here with Node's
// crypto, as ZITADEL's pkg/actions/signing.go does) reach the handler with their typed payload;
// tampered, stale, unsigned, wrongly keyed and replayed calls are refused with 401 before the
// handler runs, with ZitadelAuthGuard as APP_GUARD demanding no bearer token on these routes. An app
// created without `rawBody: true` gets an error naming the fix. The README's Actions v2 snippets
// are copied here with the test's recording added; the README's own blocks run in readme-actions.
import { createHmac } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { Controller, Logger, Module, Post, type INestApplication } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { ExpressAdapter } from '@nestjs/platform-express';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import { Test } from '@nestjs/testing';
import {
  verifyZitadelSignature,
  ZitadelAction,
  ZitadelActionPayload,
  ZitadelAuthGuard,
  zitadelForwardedError,
  zitadelFunctionAnswer,
  ZitadelModule,
  ZitadelSignatureError,
  type VerifiedZitadelSignature,
  type ZitadelEventPayload,
  type ZitadelFunctionAnswer,
  type ZitadelFunctionContext,
} from 'nestjs-zitadel';
import { ManualClock } from 'nestjs-zitadel/testing';
import { PLATFORMS, RecordingLogger, type Platform } from './support/nest-app.js';

const MODULE_KEY = 'module-signing-key-of-the-events-target';
const ROUTE_KEY = 'signing-key-of-the-preaccesstoken-target';
const AUDIT_KEY = 'signing-key-of-the-audit-target';

const sign = (key: string, t: number, body: string): string =>
  `t=${t},v1=${createHmac('sha256', key).update(`${t}.${body}`).digest('hex')}`;

/** What the handlers saw: a refused call must leave no trace here. */
const seen: { route: string; payload: unknown }[] = [];

// --- README: "## Actions v2" (the controller as printed there) ---
@Controller('zitadel')
export class ZitadelHooks {
  // Signed with the module's `actions.signingKeys`.
  @ZitadelAction()
  @Post('events')
  onEvent(@ZitadelActionPayload() event: ZitadelEventPayload) {
    seen.push({ route: 'events', payload: event });
    return { received: event.event_type };
  }

  // A target with its own key; the answer adds a claim to the access token.
  @ZitadelAction({ signingKeys: [ROUTE_KEY] })
  @Post('preaccesstoken')
  claims(@ZitadelActionPayload() context: ZitadelFunctionContext): ZitadelFunctionAnswer {
    seen.push({ route: 'preaccesstoken', payload: context });
    return zitadelFunctionAnswer({ claims: { tenant: context.org?.id ?? 'none' }, logClaims: ['tenant added'] });
  }
}
// --- end of README snippet ---

@Controller('more')
class MoreHooks {
  @ZitadelAction({ replayGuard: true })
  @Post('once')
  once(@ZitadelActionPayload('signature') signature: VerifiedZitadelSignature) {
    seen.push({ route: 'once', payload: signature });
    return { keyIndex: signature.keyIndex };
  }

  // Many targets on one route: the key follows the query the target's endpoint URL carries.
  @ZitadelAction({ signingKeys: (request) => (request.url?.endsWith('?target=audit') ? [AUDIT_KEY] : []) })
  @Post('by-target')
  byTarget(@ZitadelActionPayload() event: ZitadelEventPayload) {
    seen.push({ route: 'by-target', payload: event });
    return zitadelForwardedError(403, `no ${event.event_type}`);
  }
}

interface Running {
  app: INestApplication;
  url: string;
  logs: RecordingLogger;
}

async function boot(platform: Platform, clock: ManualClock, rawBody: boolean): Promise<Running> {
  @Module({
    imports: [
      ZitadelModule.forRoot({
        // Never called: no route here takes a bearer token.
        issuer: 'http://127.0.0.1:9',
        projectId: '1',
        tokenValidation: 'jwt',
        clock,
        actions: { signingKeys: ['rotated-out-key', MODULE_KEY] },
      }),
    ],
    controllers: [ZitadelHooks, MoreHooks],
    providers: [{ provide: APP_GUARD, useClass: ZitadelAuthGuard }],
  })
  class ActionsAppModule {}
  const moduleRef = await Test.createTestingModule({ imports: [ActionsAppModule] }).compile();
  const logs = new RecordingLogger();
  const app = moduleRef.createNestApplication(platform === 'express' ? new ExpressAdapter() : new FastifyAdapter(), {
    logger: logs,
    rawBody,
  });
  await app.listen(0, '127.0.0.1');
  const { port } = app.getHttpServer().address() as AddressInfo;
  return { app, url: `http://127.0.0.1:${port}`, logs };
}

async function post(url: string, body: string, signature?: string): Promise<{ status: number; body: unknown }> {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (signature !== undefined) headers['zitadel-signature'] = signature;
  const response = await fetch(url, { method: 'POST', headers, body });
  return { status: response.status, body: await response.json() };
}

// Go's json.Marshal writes no spaces; this body has some, so only the received bytes verify.
const EVENT =
  '{"aggregateID":"312", "aggregateType":"user","resourceOwner":"9","instanceID":"1","version":"v2",\n' +
  '"sequence":4,"event_type":"user.human.added","created_at":"2025-01-01T00:00:00Z","userID":"7","event_payload":{"userName":"ada"}}';
const FUNCTION =
  '{"function":"function/preaccesstoken","user":{"id":"7","username":"ada"},"org":{"id":"9","name":"acme"}}';

describe.each(PLATFORMS)('@ZitadelAction() over %s', (platform) => {
  const clock = new ManualClock();
  let running: Running;
  const now = (): number => Math.floor(clock.now() / 1000);

  beforeAll(async () => {
    running = await boot(platform, clock, true);
  });
  afterAll(async () => {
    await running.app.close();
  });
  beforeEach(() => {
    seen.length = 0;
  });

  it('runs the handler with the typed payload of a call signed with a module key, no bearer token needed', async () => {
    const answer = await post(`${running.url}/zitadel/events`, EVENT, sign(MODULE_KEY, now(), EVENT));
    expect(answer).toEqual({ status: 201, body: { received: 'user.human.added' } });
    expect(seen).toEqual([{ route: 'events', payload: JSON.parse(EVENT) }]);
  });

  it("answers a function call signed with the route's own key with append_claims", async () => {
    const answer = await post(`${running.url}/zitadel/preaccesstoken`, FUNCTION, sign(ROUTE_KEY, now(), FUNCTION));
    expect(answer).toEqual({
      status: 201,
      body: { append_claims: [{ key: 'tenant', value: '9' }], append_log_claims: ['tenant added'] },
    });
    // The route's keys replace the module's: a module key does not open it.
    expect(
      (await post(`${running.url}/zitadel/preaccesstoken`, FUNCTION, sign(MODULE_KEY, now(), FUNCTION))).status,
    ).toBe(401);
    expect(seen.map((call) => call.route)).toEqual(['preaccesstoken']);
  });

  it.each<[string, () => [string, string | undefined], string]>([
    ['unsigned', () => [EVENT, undefined], 'The request carries no ZITADEL-Signature header'],
    ['tampered', () => [EVENT.replace('ada', 'eve'), sign(MODULE_KEY, now(), EVENT)], "matches none of the target's"],
    ['wrongly keyed', () => [EVENT, sign('some-other-key', now(), EVENT)], "matches none of the target's"],
    ['stale', () => [EVENT, sign(MODULE_KEY, now() - 301, EVENT)], 'outside the tolerance'],
    ['future-dated', () => [EVENT, sign(MODULE_KEY, now() + 301, EVENT)], 'outside the tolerance'],
    ['malformed', () => [EVENT, `t=${now()};v1=00`], 'malformed'],
  ])('refuses a %s call with 401 without running the handler', async (_name, call, message) => {
    const [body, signature] = call();
    const answer = await post(`${running.url}/zitadel/events`, body, signature);
    expect(answer.status).toBe(401);
    expect(JSON.stringify(answer.body)).toContain(message);
    expect(JSON.stringify(answer.body)).not.toContain(MODULE_KEY);
    expect(seen).toEqual([]);
  });

  it('moves with the module clock: a call valid now is stale once 301 s have passed', async () => {
    const signature = sign(MODULE_KEY, now(), EVENT);
    clock.advance(301_000);
    expect((await post(`${running.url}/zitadel/events`, EVENT, signature)).status).toBe(401);
    expect(seen).toEqual([]);
  });

  it('with replayGuard, refuses the second use of the same signature header', async () => {
    const signature = sign(MODULE_KEY, now(), EVENT);
    expect(await post(`${running.url}/more/once`, EVENT, signature)).toEqual({ status: 201, body: { keyIndex: 1 } });
    const replay = await post(`${running.url}/more/once`, EVENT, signature);
    expect(replay.status).toBe(401);
    expect(JSON.stringify(replay.body)).toContain('used before');
    // A new signature of the same body (ZITADEL signs every attempt anew) passes.
    clock.advance(1000);
    expect((await post(`${running.url}/more/once`, EVENT, sign(MODULE_KEY, now(), EVENT))).status).toBe(201);
    expect(seen.map((call) => call.route)).toEqual(['once', 'once']);
  });

  it('takes the keys a resolver picks for the request, and forwards an error answer', async () => {
    const answer = await post(`${running.url}/more/by-target?target=audit`, EVENT, sign(AUDIT_KEY, now(), EVENT));
    expect(answer).toEqual({
      status: 201,
      body: { forwardedStatusCode: 403, forwardedErrorMessage: 'no user.human.added' },
    });
    expect((await post(`${running.url}/more/by-target`, EVENT, sign(AUDIT_KEY, now(), EVENT))).status).toBe(401);
    expect(seen.map((call) => call.route)).toEqual(['by-target']);
  });
});

describe.each(PLATFORMS)('an app without rawBody: true, over %s', (platform) => {
  const clock = new ManualClock();
  let running: Running;
  beforeAll(async () => {
    running = await boot(platform, clock, false);
  });
  afterAll(async () => {
    await running.app.close();
  });

  it('fails a signed call with 500 and logs the fix, never checking re-serialised JSON', async () => {
    seen.length = 0;
    const t = Math.floor(clock.now() / 1000);
    const answer = await post(`${running.url}/zitadel/events`, EVENT, sign(MODULE_KEY, t, EVENT));
    expect(answer.status).toBe(500);
    expect(seen).toEqual([]);
    expect(running.logs.lines.join('\n')).toContain('NestFactory.create(AppModule, { rawBody: true })');
  });
});

describe('README: verifyZitadelSignature', () => {
  it('verifies and refuses as printed', () => {
    const rawBody = Buffer.from(EVENT);
    const header = sign(MODULE_KEY, 1_760_000_000, EVENT);
    const logger = new Logger('ZitadelHooks');
    // --- README snippet ---
    try {
      const { timestamp } = verifyZitadelSignature(rawBody, header, [MODULE_KEY], {
        toleranceSeconds: 300,
        now: 1_760_000_000_000,
      });
      logger.log(`signed by ZITADEL at ${new Date(timestamp * 1000).toISOString()}`);
    } catch (error) {
      if (!(error instanceof ZitadelSignatureError)) throw error;
      logger.warn(`refused: ${error.reason}`); // missing | malformed | stale | mismatch
    }
    // --- end of README snippet ---
    expect(() => verifyZitadelSignature(rawBody, header, ['other'], { now: 1_760_000_000_000 })).toThrow(
      ZitadelSignatureError,
    );
  });
});
