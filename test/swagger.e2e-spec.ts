// nestjs-zitadel/swagger against real Nest apps: the OpenAPI document createZitadelDocument builds
// (served by SwaggerModule at /docs-json, read over HTTP) says what the guard answers, for the
// guard as APP_GUARD and with @UseGuards, for opaque and JWT token validation.
import type { AddressInfo } from 'node:net';
import { Controller, Delete, Get, Param, Post, UseGuards, type INestApplication, type Type } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { Test } from '@nestjs/testing';
import { ApiExtension, ApiForbiddenResponse, DECORATORS, DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { Public, Roles, ZitadelAuthGuard, ZitadelModule, type TokenValidationMode } from 'nestjs-zitadel';
import { createZitadelDocument } from 'nestjs-zitadel/swagger';
import { ZitadelEmulator } from 'nestjs-zitadel/testing';
import { importReadmeBlock } from './support/readme-block.js';

interface Operation {
  operationId: string;
  security?: Record<string, string[]>[];
  responses: Record<string, { description: string; headers?: Record<string, unknown> }>;
  [extension: `x-${string}`]: unknown;
}
interface Document {
  paths: Record<string, Record<string, Operation>>;
  components: { securitySchemes?: Record<string, Record<string, unknown>> };
}

@Controller('open')
class OpenController {
  @Public() @Get() status() {
    return { ok: true };
  }
}

@Controller('things')
class ThingsController {
  @Get() list() {
    return [];
  }
  @Roles('admin', 'editor') @Get('admin') admin() {
    return [];
  }
  @Roles({ allOf: ['admin', 'auditor'] }) @Post('audit') audit() {
    return {};
  }
  @Roles({ anyOf: ['reader'], org: { param: 'orgId' } }) @Get('orgs/:orgId') forOrg(@Param('orgId') orgId: string) {
    return { orgId };
  }
  @Roles({ anyOf: ['reader'], org: { header: 'X-Org-Id' } }) @Get('by-header') byHeader() {
    return {};
  }
  @ApiForbiddenResponse({ description: 'Only the owner may delete it' })
  @ApiExtension('x-kept', { yes: true })
  @Roles('owner')
  @Delete(':id')
  remove() {
    return {};
  }
}

/** `@Public` on the class, overridden by a handler's `@Roles`. */
@Public()
@Controller('mixed')
class MixedController {
  @Get() open() {
    return {};
  }
  @Roles('admin') @Get('closed') closed() {
    return {};
  }
}

/** One handler function, inherited by two controllers with different class-level policies. */
class BaseController {
  @Get() read() {
    return {};
  }
}
@Roles('reader')
@Controller('shared-roles')
class SharedRolesController extends BaseController {}
@Public()
@Controller('shared-public')
class SharedPublicController extends BaseController {}

@UseGuards(ZitadelAuthGuard)
@Controller('guarded')
class GuardedController {
  @Get() list() {
    return [];
  }
  @Roles('admin') @Get('admin') admin() {
    return [];
  }
}

@Controller('partly')
class PartlyGuardedController {
  @UseGuards(ZitadelAuthGuard) @Get('in') inside() {
    return {};
  }
  @Get('out') outside() {
    return {};
  }
}

const ALL_CONTROLLERS = [
  OpenController,
  ThingsController,
  MixedController,
  SharedRolesController,
  SharedPublicController,
];

let zitadel: ZitadelEmulator;
let projectId: string;
let apiKey: string;
const apps: INestApplication[] = [];

beforeAll(async () => {
  zitadel = await ZitadelEmulator.start();
  const org = zitadel.createOrg({ name: 'Acme' });
  projectId = zitadel.createProject({ name: 'api', orgId: org.id }).id;
  apiKey = JSON.stringify((await zitadel.createApiApplication({ projectId, authMethod: 'private_key_jwt' })).keyFile);
});
afterAll(async () => {
  for (const app of apps) await app.close();
  await zitadel?.close();
});

async function documentOf(
  controllers: Type[],
  options: { global: boolean; tokenValidation?: TokenValidationMode; globalSecurity?: boolean },
): Promise<{ url: string; document: Document }> {
  const moduleRef = await Test.createTestingModule({
    imports: [
      ZitadelModule.forRoot({
        issuer: zitadel.issuer,
        projectId,
        apiApplication: { keyJson: apiKey },
        tokenValidation: options.tokenValidation ?? 'auto',
      }),
    ],
    controllers,
    providers: options.global ? [{ provide: APP_GUARD, useClass: ZitadelAuthGuard }] : [],
  }).compile();
  const app = moduleRef.createNestApplication({ logger: false });
  apps.push(app);
  const builder = new DocumentBuilder().setTitle('test');
  if (options.globalSecurity === true) builder.addSecurityRequirements('bearer');
  const config = builder.build();
  SwaggerModule.setup('docs', app, () => createZitadelDocument(app, config));
  await app.listen(0, '127.0.0.1');
  const url = `http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}`;
  const response = await fetch(`${url}/docs-json`);
  expect(response.status).toBe(200);
  return { url, document: (await response.json()) as Document };
}

const BEARER = [{ bearer: [] }];
const responsesOf = (document: Document, path: string, method = 'get') =>
  document.paths[path]?.[method]?.responses ?? {};

describe('createZitadelDocument with ZitadelAuthGuard as APP_GUARD', () => {
  let document: Document;
  let url: string;
  beforeAll(async () => {
    ({ document, url } = await documentOf(ALL_CONTROLLERS, { global: true }));
  });

  it('declares the bearer scheme without bearerFormat, since opaque tokens are accepted', () => {
    const scheme = document.components.securitySchemes?.['bearer'];
    expect(scheme).toMatchObject({ type: 'http', scheme: 'bearer' });
    expect(scheme).not.toHaveProperty('bearerFormat');
    expect(scheme?.['description']).toContain('opaque');
  });

  it('gives any-token routes the requirement, 401 and 503, and no 403', () => {
    const list = document.paths['/things']?.['get'];
    expect(list?.security).toEqual(BEARER);
    expect(Object.keys(list?.responses ?? {}).sort()).toEqual(['200', '401', '503']);
    expect(list?.responses['401']?.headers).toHaveProperty('WWW-Authenticate');
  });

  it('names the roles of @Roles in the 403, and where an org-scoped role takes the organisation from', () => {
    expect(responsesOf(document, '/things/admin')['403']?.description).toBe(
      'Needs one of the roles "admin", "editor", granted by any organisation',
    );
    expect(responsesOf(document, '/things/audit', 'post')['403']?.description).toBe(
      'Needs the roles "admin", "auditor" (all of them), granted by any organisation',
    );
    expect(responsesOf(document, '/things/orgs/{orgId}')['403']?.description).toBe(
      'Needs the role "reader", granted by the organisation whose id is in the route parameter "orgId" (a request naming none is refused)',
    );
    expect(responsesOf(document, '/things/by-header')['403']?.description).toContain('the header "x-org-id"');
    for (const path of ['/things/admin', '/things/orgs/{orgId}', '/things/by-header'])
      expect(Object.keys(responsesOf(document, path)).sort()).toEqual(['200', '401', '403', '503']);
  });

  it("keeps an answer the route declares itself, and the route's own extensions", () => {
    const remove = document.paths['/things/{id}']?.['delete'];
    expect(remove?.responses['403']?.description).toBe('Only the owner may delete it');
    expect(remove?.responses['401']).toBeDefined();
    expect(remove?.['x-kept']).toEqual({ yes: true });
  });

  it('leaves public routes without security or guard answers; a handler @Roles beats a class @Public', () => {
    for (const path of ['/open', '/mixed']) {
      const operation = document.paths[path]?.['get'];
      expect(operation).not.toHaveProperty('security');
      expect(Object.keys(operation?.responses ?? {})).toEqual(['200']);
    }
    expect(document.paths['/mixed/closed']?.['get']).toMatchObject({ security: BEARER, responses: { 403: {} } });
  });

  it('tells apart one handler inherited by controllers with different policies', () => {
    expect(document.paths['/shared-roles']?.['get']).toMatchObject({ security: BEARER, responses: { 403: {} } });
    expect(document.paths['/shared-public']?.['get']).not.toHaveProperty('security');
  });

  it('leaves no marker in the document and puts the handlers metadata back as it was', () => {
    expect(JSON.stringify(document)).not.toContain('x-nestjs-zitadel');
    expect(Reflect.getOwnMetadata(DECORATORS.API_EXTENSION, ThingsController.prototype.list)).toBeUndefined();
    expect(Reflect.getOwnMetadata(DECORATORS.API_EXTENSION, ThingsController.prototype.remove)).toEqual({
      'x-kept': { yes: true },
    });
  });

  it('documents what the guard answers', async () => {
    expect((await fetch(`${url}/open`)).status).toBe(200);
    const unauthenticated = await fetch(`${url}/things`);
    expect(unauthenticated.status).toBe(401);
    expect(unauthenticated.headers.get('www-authenticate')).toMatch(/^Bearer realm=/);
  });
});

describe('createZitadelDocument with @UseGuards(ZitadelAuthGuard)', () => {
  let document: Document;
  beforeAll(async () => {
    ({ document } = await documentOf([GuardedController, PartlyGuardedController, ThingsController], {
      global: false,
    }));
  });

  it('documents the routes the guard runs on, by class or by handler', () => {
    expect(document.paths['/guarded']?.['get']).toMatchObject({ security: BEARER, responses: { 401: {}, 503: {} } });
    expect(document.paths['/guarded/admin']?.['get']?.responses['403']?.description).toContain('"admin"');
    expect(document.paths['/partly/in']?.['get']).toMatchObject({ security: BEARER });
  });

  it('leaves the routes without the guard as they are', () => {
    for (const [path, method] of [
      ['/partly/out', 'get'],
      ['/things', 'get'],
      ['/things/admin', 'get'],
    ] as const) {
      const operation = document.paths[path]?.[method];
      expect(operation).not.toHaveProperty('security');
      expect(Object.keys(operation?.responses ?? {})).toEqual(['200']);
    }
  });
});

describe("README's OpenAPI (Swagger) snippet", () => {
  it('runs as written: the docs it sets up describe the guarded routes', async () => {
    const { setupDocs } = await importReadmeBlock<{ setupDocs: (app: INestApplication) => void }>('OpenAPI (Swagger)');
    const moduleRef = await Test.createTestingModule({
      imports: [ZitadelModule.forRoot({ issuer: zitadel.issuer, projectId, apiApplication: { keyJson: apiKey } })],
      controllers: [OpenController, ThingsController],
      providers: [{ provide: APP_GUARD, useClass: ZitadelAuthGuard }],
    }).compile();
    const app = moduleRef.createNestApplication({ logger: false });
    apps.push(app);
    setupDocs(app);
    await app.listen(0, '127.0.0.1');
    const document = (await (
      await fetch(`http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}/docs-json`)
    ).json()) as Document;
    expect(document.paths['/things/admin']?.['get']).toMatchObject({
      security: BEARER,
      responses: { 401: {}, 403: {}, 503: {} },
    });
    expect(document.paths['/open']?.['get']).not.toHaveProperty('security');
  });
});

describe('createZitadelDocument with tokenValidation: jwt and a document-wide requirement', () => {
  it('declares bearerFormat JWT, and public routes opt out of the document-wide requirement', async () => {
    const { document } = await documentOf([OpenController, ThingsController], {
      global: true,
      tokenValidation: 'jwt',
      globalSecurity: true,
    });
    expect(document.components.securitySchemes?.['bearer']).toMatchObject({ bearerFormat: 'JWT' });
    expect(document.paths['/open']?.['get']?.security).toEqual([]);
    expect(document.paths['/things']?.['get']?.security).toEqual(BEARER);
  });
});
