// A Nest app with @ZitadelAction() routes receiving the emulator's real, signed calls, over Express
// and Fastify: an event after a user is created, and a preaccesstoken / preuserinfo function whose
// claim then appears in the JWT access token the emulator issues and in its introspection. A call
// signed with a key the app does not know is refused with 401 before the handler runs.
import type { AddressInfo } from 'node:net';
import { Controller, Module, Post, type INestApplication } from '@nestjs/common';
import { ExpressAdapter } from '@nestjs/platform-express';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import { Test } from '@nestjs/testing';
import { decodeJwt } from 'jose';
import {
  ZitadelAction,
  ZitadelActionPayload,
  zitadelFunctionAnswer,
  ZitadelModule,
  type ZitadelEventPayload,
  type ZitadelFunctionAnswer,
  type ZitadelFunctionContext,
} from 'nestjs-zitadel';
import { ManualClock, ZitadelEmulator } from 'nestjs-zitadel/testing';
import { PLATFORMS, RecordingLogger } from './support/nest-app.js';

/** An HTTP Basic header for client id and secret. */
const basic = (id: string, secret: string) => `Basic ${Buffer.from(`${id}:${secret}`).toString('base64')}`;

/** What the handlers ran for: a refused call leaves nothing here. */
const seen: { route: string; payload: ZitadelEventPayload | ZitadelFunctionContext }[] = [];
/** The signing keys of the targets the app trusts, known once the emulator created them. */
const trusted: string[] = [];

@Controller('zitadel')
class Hooks {
  @ZitadelAction()
  @Post('events')
  onEvent(@ZitadelActionPayload() event: ZitadelEventPayload) {
    seen.push({ route: 'events', payload: event });
    return {};
  }

  @ZitadelAction()
  @Post('claims')
  claims(@ZitadelActionPayload() context: ZitadelFunctionContext): ZitadelFunctionAnswer {
    seen.push({ route: 'claims', payload: context });
    return zitadelFunctionAnswer({ claims: { tenant: `org-${context.org?.id ?? 'none'}` } });
  }
}

describe.each(PLATFORMS)('the emulator calling @ZitadelAction() routes over %s', (platform) => {
  let zitadel: ZitadelEmulator;
  let app: INestApplication;
  let url: string;

  beforeAll(async () => {
    const clock = new ManualClock();
    zitadel = await ZitadelEmulator.start({ clock });
    @Module({
      imports: [
        ZitadelModule.forRoot({
          issuer: zitadel.issuer,
          projectId: '1',
          tokenValidation: 'jwt',
          clock,
          actions: { signingKeys: () => trusted },
        }),
      ],
      controllers: [Hooks],
    })
    class HooksModule {}
    const moduleRef = await Test.createTestingModule({ imports: [HooksModule] }).compile();
    app = moduleRef.createNestApplication(platform === 'express' ? new ExpressAdapter() : new FastifyAdapter(), {
      logger: new RecordingLogger(),
      rawBody: true,
    });
    await app.listen(0, '127.0.0.1');
    url = `http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await app.close();
    await zitadel.close();
  });
  beforeEach(() => {
    seen.length = 0;
    trusted.length = 0;
    zitadel.actions.clearCalls();
    // Each test sets its own executions (an empty target list removes one).
    for (const condition of [
      { event: 'user.human.added' },
      { event: 'user.machine.added' },
      { function: 'preaccesstoken' },
      { function: 'preuserinfo' },
    ] as const)
      zitadel.actions.setExecution(condition, []);
  });

  it('receives user.human.added after the emulator created the user', async () => {
    const events = zitadel.actions.addTarget({ endpoint: `${url}/zitadel/events`, type: 'webhook' });
    trusted.push(events.signingKey);
    zitadel.actions.setExecution({ event: 'user.human.added' }, [events.id]);
    const ada = zitadel.createHumanUser({ userName: `ada-${platform}` });
    await zitadel.actions.settled();

    expect(seen).toEqual([
      {
        route: 'events',
        payload: expect.objectContaining({ aggregateID: ada.userId, event_type: 'user.human.added' }),
      },
    ]);
    // Nest answers a POST with 201: a 2xx, so the call succeeded.
    expect(zitadel.actions.calls()).toEqual([
      expect.objectContaining({ targetId: events.id, status: 201, outcome: 'ok' }),
    ]);
  });

  it('adds the claim its preaccesstoken / preuserinfo route answers to the issued JWT and to introspection', async () => {
    const claims = zitadel.actions.addTarget({
      endpoint: `${url}/zitadel/claims`,
      type: 'call',
      interruptOnError: true,
    });
    trusted.push(claims.signingKey);
    zitadel.actions.setExecution({ function: 'preaccesstoken' }, [claims.id]);
    zitadel.actions.setExecution({ function: 'preuserinfo' }, [claims.id]);
    const project = zitadel.createProject({ name: `api-${platform}` });
    const api = await zitadel.createApiApplication({ projectId: project.id, authMethod: 'client_secret_basic' });
    const worker = zitadel.createServiceUser({
      userName: `worker-${platform}`,
      withSecret: true,
      accessTokenType: 'jwt',
    });

    const tokenResponse = await fetch(`${zitadel.issuer}/oauth/v2/token`, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        authorization: basic(worker.clientId ?? '', worker.clientSecret ?? ''),
      },
      body: new URLSearchParams({
        grant_type: 'client_credentials',
        scope: `urn:zitadel:iam:org:project:id:${project.id}:aud`,
      }),
    });
    expect(tokenResponse.status).toBe(200);
    const { access_token: accessToken } = (await tokenResponse.json()) as { access_token: string };
    expect(decodeJwt(accessToken)['tenant']).toBe(`org-${zitadel.defaultOrg.id}`);

    const introspection = await fetch(`${zitadel.issuer}/oauth/v2/introspect`, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        authorization: basic(api.clientId, api.clientSecret ?? ''),
      },
      body: new URLSearchParams({ token: accessToken }),
    });
    expect(await introspection.json()).toMatchObject({ active: true, tenant: `org-${zitadel.defaultOrg.id}` });
    expect(seen.map((entry) => [entry.route, (entry.payload as ZitadelFunctionContext).function])).toEqual([
      ['claims', 'function/preaccesstoken'],
      ['claims', 'function/preuserinfo'],
    ]);
  });

  it('refuses a call signed with a key it does not know: 401, the handler does not run', async () => {
    const rogue = zitadel.actions.addTarget({ endpoint: `${url}/zitadel/events`, type: 'webhook' });
    trusted.push('a-key-of-another-target');
    zitadel.actions.setExecution({ event: 'user.machine.added' }, [rogue.id]);
    zitadel.createServiceUser({ userName: `machine-${platform}` });
    await zitadel.actions.settled();

    expect(seen).toEqual([]);
    expect(zitadel.actions.calls()).toEqual([
      expect.objectContaining({ targetId: rogue.id, status: 401, outcome: 'failed' }),
    ]);
  });
});
