// The README's "Token exchange" and "Errors from your handlers" snippets, run as written: their code
// is extracted from README.md, written to modules, imported, and used in real Nest apps against the
// emulator (a caller's token exchanged, a user impersonated and seen as `user.actor` on the
// snippet's route; the snippet's filter module answering a library error from a handler and its
// gateway taking the filter).
import 'reflect-metadata';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Controller, Get, type Type } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { decodeJwt } from 'jose';
import { io } from 'socket.io-client';
import { ZitadelAuthGuard, ZitadelModule, ZitadelUnavailableError } from 'nestjs-zitadel';
import { ZitadelEmulator, type EmulatorOidcApplication } from 'nestjs-zitadel/testing';
import { startApp, type RunningApp } from './support/nest-app.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const OUT = join(ROOT, 'test', '.readme-exchange');

/** The ```ts blocks of the README's section that starts with `heading` (up to the next heading). */
function sectionBlocks(markdown: string, heading: string): string[] {
  const start = markdown.indexOf(`\n${heading}\n`);
  if (start < 0) throw new Error(`README.md has no section "${heading}"`);
  const next = markdown.slice(start + heading.length + 2).search(/^#{2,3} /m);
  const section = markdown.slice(start, next < 0 ? undefined : start + heading.length + 2 + next);
  return [...section.matchAll(/^```ts\n([\s\S]*?)^```/gm)].map((match) => match[1] ?? '');
}

async function loadSnippet(heading: string, name: string): Promise<Record<string, unknown>> {
  const blocks = sectionBlocks(await readFile(join(ROOT, 'README.md'), 'utf8'), heading);
  if (blocks.length !== 1) throw new Error(`"${heading}" should have one ts block, it has ${blocks.length}`);
  await mkdir(OUT, { recursive: true });
  const file = join(OUT, `${name}-${process.pid}.ts`);
  await writeFile(file, blocks[0] ?? '');
  try {
    return (await import(/* @vite-ignore */ file)) as Record<string, unknown>;
  } finally {
    await rm(file, { force: true });
  }
}

function exported<T>(snippet: Record<string, unknown>, name: string): Type<T> {
  const value = snippet[name];
  if (typeof value !== 'function') throw new Error(`the README snippet exports no class ${name}`);
  return value as Type<T>;
}

interface OnBehalfOfLike {
  forCaller(callerToken: string): Promise<string>;
  asUser(userId: string, projectId: string): Promise<string>;
}

@Controller('broken')
class BrokenController {
  @Get()
  broken(): never {
    throw new ZitadelUnavailableError('ZITADEL token endpoint answered 503', 503, { retryAfterSeconds: 4 });
  }
}

let zitadel: ZitadelEmulator;
let projectId: string;
let oidcApp: EmulatorOidcApplication;
let aliceId: string;
let supportId: string;
const apps: RunningApp[] = [];

beforeAll(async () => {
  zitadel = await ZitadelEmulator.start({ features: { oidcTokenExchange: true } });
  zitadel.setSecurityPolicy({ enableImpersonation: true });
  projectId = zitadel.createProject({ name: 'reports' }).id;
  oidcApp = await zitadel.createOidcApplication({
    projectId,
    authMethod: 'client_secret_basic',
    grantTypes: ['authorization_code', 'token_exchange'],
  });
  aliceId = zitadel.createHumanUser({ userName: 'alice' }).userId;
  supportId = zitadel.createServiceUser({ userName: 'support' }).userId;
  zitadel.addOrgMember(zitadel.defaultOrg.id, supportId, ['ORG_END_USER_IMPERSONATOR']);
});
afterAll(async () => {
  await Promise.all(apps.map((app) => app.close()));
  await zitadel.close();
  await rm(OUT, { recursive: true, force: true });
});

describe("the README's token exchange snippet, run against the emulator", () => {
  let service: OnBehalfOfLike;
  let app: RunningApp;
  beforeAll(async () => {
    const snippet = await loadSnippet('### Token exchange', 'exchange');
    const OnBehalfOf = exported<OnBehalfOfLike>(snippet, 'OnBehalfOf');
    app = await startApp('express', {
      imports: [
        ZitadelModule.forRoot({
          issuer: zitadel.issuer,
          projectId,
          apiApplication: { clientId: oidcApp.clientId, clientSecret: oidcApp.clientSecret ?? '' },
          serviceUser: { key: await zitadel.addServiceUserKey(supportId) },
        }),
      ],
      controllers: [exported(snippet, 'MeController')],
      providers: [OnBehalfOf, { provide: APP_GUARD, useClass: ZitadelAuthGuard }],
    });
    apps.push(app);
    service = app.app.get(OnBehalfOf);
  });

  const me = async (token: string): Promise<unknown> =>
    (await fetch(`${app.url}/me`, { headers: { authorization: `Bearer ${token}` } })).json();

  it("forCaller exchanges the caller's token: the same user, no actor", async () => {
    const callerToken = await zitadel.issueToken({ userId: aliceId, clientId: oidcApp.clientId });
    const token = await service.forCaller(callerToken);
    expect(token).not.toBe(callerToken);
    expect(await me(token)).toEqual({ userId: aliceId, actingUser: null });
  });

  it('asUser impersonates the user: `act` names the service user, and the route sees it as user.actor', async () => {
    const token = await service.asUser(aliceId, projectId);
    expect(decodeJwt(token)['act']).toEqual({ iss: zitadel.issuer, sub: supportId });
    expect(await me(token)).toEqual({ userId: aliceId, actingUser: supportId });
  });
});

describe("the README's exception filter snippet", () => {
  let app: RunningApp;
  beforeAll(async () => {
    const snippet = await loadSnippet('### Errors from your handlers', 'errors');
    app = await startApp('express', {
      imports: [exported(snippet, 'ZitadelErrorsModule')],
      controllers: [BrokenController],
      providers: [exported(snippet, 'ReportsGateway')],
    });
    apps.push(app);
  });

  it('answers a library error from a handler with 503 and Retry-After', async () => {
    const response = await fetch(`${app.url}/broken`);
    expect(response.status).toBe(503);
    expect(response.headers.get('retry-after')).toBe('4');
    expect(await response.json()).toMatchObject({ statusCode: 503, code: 'ZITADEL_UNAVAILABLE' });
  });

  it("serves the snippet's gateway", async () => {
    const socket = io(app.url, { transports: ['websocket'], reconnection: false });
    try {
      const answer = await socket.timeout(5000).emitWithAck('reports', '42');
      expect(answer).toEqual({ orgId: '42' });
    } finally {
      socket.disconnect();
    }
  });
});
