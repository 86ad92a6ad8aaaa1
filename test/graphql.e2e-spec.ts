// ZitadelAuthGuard in GraphQL resolvers (@nestjs/graphql with Apollo over Express), against the
// emulator: @Public, @Roles (also organisation-scoped by a resolver argument) and @CurrentUser.
import { ApolloDriver, type ApolloDriverConfig } from '@nestjs/apollo';
import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { Args, GraphQLModule, Query, Resolver } from '@nestjs/graphql';
import {
  CurrentUser,
  Public,
  Roles,
  ZitadelAuthGuard,
  ZitadelModule,
  ZitadelScopes,
  type ZitadelUser,
} from 'nestjs-zitadel';
import { ZitadelEmulator, type EmulatorOrg } from 'nestjs-zitadel/testing';
import { startApp, type RunningApp } from './support/nest-app.js';

@Resolver()
class ReportsResolver {
  @Public()
  @Query(() => String)
  ping(@CurrentUser() user: ZitadelUser | undefined): string {
    return user?.sub ?? 'anonymous';
  }

  @Query(() => String)
  whoami(@CurrentUser('sub') sub: string, @CurrentUser() user: ZitadelUser): string {
    return `${sub}:${user.source}`;
  }

  @Roles('admin')
  @Query(() => String)
  secret(): string {
    return 'for admins';
  }

  @Roles({ anyOf: ['admin'], org: { param: 'orgId' } })
  @Query(() => String)
  orgReport(@Args('orgId', { type: () => String }) orgId: string): string {
    return `report of ${orgId}`;
  }
}

let zitadel: ZitadelEmulator;
let otherOrg: EmulatorOrg;
let projectId: string;
let admin: string;
let nobody: string;
let app: RunningApp;

beforeAll(async () => {
  zitadel = await ZitadelEmulator.start();
  otherOrg = zitadel.createOrg({ name: 'Other' });
  projectId = zitadel.createProject({ name: 'reports' }).id;
  zitadel.addProjectRole(projectId, { key: 'admin' });
  const api = await zitadel.createApiApplication({ projectId, authMethod: 'client_secret_basic' });
  admin = zitadel.createHumanUser({ userName: 'alice' }).userId;
  nobody = zitadel.createHumanUser({ userName: 'bob' }).userId;
  zitadel.grantRoles({ userId: admin, projectId, roleKeys: ['admin'] });

  @Module({
    imports: [
      ZitadelModule.forRoot({
        issuer: zitadel.issuer,
        apiApplication: { clientId: api.clientId, clientSecret: api.clientSecret ?? '' },
        projectId,
      }),
      GraphQLModule.forRoot<ApolloDriverConfig>({ driver: ApolloDriver, autoSchemaFile: true }),
    ],
    providers: [ReportsResolver, { provide: APP_GUARD, useClass: ZitadelAuthGuard }],
  })
  class AppModule {}
  app = await startApp('express', { imports: [AppModule] });
});

afterAll(async () => {
  await app?.close();
  await zitadel?.close();
});

const token = (userId: string, type: 'opaque' | 'jwt') =>
  zitadel.issueToken({
    userId,
    type,
    scopes: ['openid', ZitadelScopes.projectAudience(projectId), ZitadelScopes.allProjectRoles()],
  });

interface GraphQLAnswer {
  data?: Record<string, string> | null;
  errors?: { message: string; extensions?: { code?: string; originalError?: { statusCode?: number } } }[];
}

async function query(source: string, bearer?: string): Promise<GraphQLAnswer> {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (bearer !== undefined) headers['authorization'] = `Bearer ${bearer}`;
  const response = await fetch(`${app.url}/graphql`, {
    method: 'POST',
    headers,
    body: JSON.stringify({ query: source }),
  });
  return (await response.json()) as GraphQLAnswer;
}

const status = (answer: GraphQLAnswer) => answer.errors?.[0]?.extensions?.originalError?.statusCode;

describe('ZitadelAuthGuard in GraphQL resolvers', () => {
  it('lets @Public queries through and still attaches the user of a valid token', async () => {
    expect((await query('{ ping }')).data).toEqual({ ping: 'anonymous' });
    expect((await query('{ ping }', await token(admin, 'jwt'))).data).toEqual({ ping: admin });
    expect((await query('{ ping }', 'garbage')).data).toEqual({ ping: 'anonymous' });
  });

  it('refuses a query without a valid token (401)', async () => {
    for (const bearer of [undefined, 'garbage']) {
      const answer = await query('{ whoami }', bearer);
      expect(answer.data ?? null).toBeNull();
      expect(answer.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
      expect(status(answer)).toBe(401);
    }
  });

  it.each(['opaque', 'jwt'] as const)('resolves @CurrentUser for a valid %s token', async (type) => {
    const expected = `${admin}:${type === 'jwt' ? 'jwt' : 'introspection'}`;
    expect((await query('{ whoami }', await token(admin, type))).data).toEqual({ whoami: expected });
  });

  it('checks @Roles (403 without the role)', async () => {
    expect((await query('{ secret }', await token(admin, 'jwt'))).data).toEqual({ secret: 'for admins' });
    const refused = await query('{ secret }', await token(nobody, 'jwt'));
    expect(refused.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect(status(refused)).toBe(403);
  });

  it('scopes a role to the organisation named by a resolver argument', async () => {
    const bearer = await token(admin, 'opaque');
    const home = zitadel.defaultOrg.id;
    expect((await query(`{ orgReport(orgId: "${home}") }`, bearer)).data).toEqual({ orgReport: `report of ${home}` });
    expect(status(await query(`{ orgReport(orgId: "${otherOrg.id}") }`, bearer))).toBe(403);
  });

  it('answers 503 when ZITADEL cannot be asked', async () => {
    zitadel.injectFault({ endpoint: 'introspect', status: 500 });
    try {
      const answer = await query('{ whoami }', await token(admin, 'opaque'));
      expect(answer.data ?? null).toBeNull();
      expect(status(answer)).toBe(503);
    } finally {
      zitadel.clearFaults();
    }
  });
});
