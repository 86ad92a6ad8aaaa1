// Type-level check of the public API, compiled by `npm run typecheck` and never run: it uses
// `nestjs-zitadel` the way the README shows, and each `@ts-expect-error`
// marks a misuse that must stay a compile error. If an export is renamed or a type loosened,
// the type check fails here.
import { Controller, Get, Injectable, Module, UseGuards, type ExecutionContext } from '@nestjs/common';
import { ConfigModule, ConfigService } from '@nestjs/config';
import KeyvRedis, { Keyv } from '@keyv/redis';
import { APP_GUARD, Reflector } from '@nestjs/core';
import * as api from 'nestjs-zitadel';
import {
  CurrentUser,
  getRolesRequirement,
  InjectZitadelOptions,
  IntrospectionService,
  Public,
  Roles,
  TokenService,
  ZitadelAssertionRejectedError,
  ZitadelAuthGuard,
  ZitadelError,
  ZitadelModule,
  ZitadelOAuthError,
  ZitadelScopes,
  ZitadelUser,
  type IntrospectionResult,
  type RolesRequirement,
  type ServiceUserKey,
  type ZitadelErrorCode,
  type ZitadelModuleOptions,
} from 'nestjs-zitadel';
import { ZitadelWsAdapter } from 'nestjs-zitadel/platform-ws';
import { ZitadelEmulator, type ServiceUserKeyFile } from 'nestjs-zitadel/testing';

// --- Module: forRootAsync with ConfigService, as in the README's Configuration -----------------

@Module({
  imports: [
    ZitadelModule.forRootAsync({
      isGlobal: true,
      imports: [ConfigModule],
      inject: [ConfigService],
      useFactory: (config: ConfigService) => ({
        issuer: config.getOrThrow<string>('ZITADEL_ISSUER'),
        serviceUser: { keyFile: config.getOrThrow<string>('ZITADEL_SERVICE_USER_KEY_FILE') },
        apiApplication: { keyFile: config.getOrThrow<string>('ZITADEL_API_KEY_FILE') },
        projectId: config.get<string>('ZITADEL_PROJECT_ID'),
      }),
    }),
  ],
  providers: [{ provide: APP_GUARD, useClass: ZitadelAuthGuard }],
})
export class AsyncAppModule {}

// --- forRoot: every credential form ------------------------------------------------------------

declare const serviceUserKey: ServiceUserKey;

export const credentialForms: ZitadelModuleOptions[] = [
  { issuer: 'https://acme.zitadel.cloud', serviceUser: { keyFile: './service-user.json' } },
  { issuer: 'https://acme.zitadel.cloud', serviceUser: { key: serviceUserKey } },
  { issuer: 'https://acme.zitadel.cloud', serviceUser: { keyJson: '{"type":"serviceaccount"}' } },
  { issuer: 'https://acme.zitadel.cloud', serviceUser: { clientId: 'reporter', clientSecret: 'secret' } },
  { issuer: 'https://acme.zitadel.cloud', serviceUser: { personalAccessToken: 'pat' } },
  {
    issuer: 'https://acme.zitadel.cloud',
    apiApplication: { keyFile: './api.json' },
    projectId: '1',
    tokenValidation: 'introspection',
  },
  {
    issuer: 'https://acme.zitadel.cloud',
    apiApplication: { clientId: 'api', clientSecret: 'secret' },
    tokenValidation: 'jwt',
  },
];

export const rootModule = ZitadelModule.forRoot({
  isGlobal: true,
  issuer: 'https://acme.zitadel.cloud',
  tokenValidation: 'auto',
});

// --- Services ------------------------------------------------------------------------------------

@Injectable()
export class ReportsClient {
  constructor(
    private readonly tokens: TokenService,
    private readonly introspection: IntrospectionService,
    @InjectZitadelOptions() readonly options: ZitadelModuleOptions,
  ) {}

  async token(projectId: string): Promise<string> {
    return this.tokens.getAccessToken({
      scopes: [
        ZitadelScopes.openid,
        ZitadelScopes.projectAudience(projectId),
        ZitadelScopes.zitadelApi(),
        ZitadelScopes.role('admin'),
        ZitadelScopes.orgId('42'),
      ],
    });
  }

  async defaultToken(): Promise<string> {
    return this.tokens.getAccessToken();
  }

  async isActive(token: string): Promise<boolean> {
    const result: IntrospectionResult = await this.introspection.introspect(token);
    const active: boolean = result.active;
    return active;
  }
}

// --- Guard and decorators ------------------------------------------------------------------------

@Controller('reports')
export class ReportsController {
  @Public()
  @Get('status')
  status(): string {
    return 'ok';
  }

  @Get('mine')
  mine(@CurrentUser() user: ZitadelUser, @CurrentUser('sub') sub: string): boolean {
    return user.sub === sub && user.hasRole('reader') && user.hasRole('reader', 'org-1');
  }

  @Roles('admin')
  @Get('all')
  all(): void {}

  @Roles({ allOf: ['admin', 'auditor'] })
  @Get('audit')
  audit(): void {}

  @Roles({ anyOf: ['admin'], org: { param: 'orgId' } })
  @Get(':orgId')
  ofOrg(): void {}
}

@UseGuards(ZitadelAuthGuard)
@Controller('guarded')
export class GuardedController {}

// --- Errors: a closed union of codes -----------------------------------------------------------

export function describeError(error: unknown): string {
  if (error instanceof ZitadelOAuthError) return `${error.error} ${error.error_description ?? ''} ${error.status}`;
  if (error instanceof ZitadelAssertionRejectedError) return `check key ${error.keyId} of user ${error.userId}`;
  if (!(error instanceof ZitadelError)) return 'other';
  const code: ZitadelErrorCode = error.code;
  switch (code) {
    case 'ZITADEL_UNAVAILABLE':
      return 'retry later';
    case 'ZITADEL_ASSERTION_REJECTED':
      return 'check the service-user key';
    // @ts-expect-error not one of the library's error codes
    case 'ZITADEL_NO_SUCH_CODE':
      return 'never';
    default:
      return code;
  }
}

// --- Testing entry point: the emulator's key files plug straight into the module ------------

export async function withEmulator(): Promise<void> {
  const zitadel = await ZitadelEmulator.start();
  const project = zitadel.createProject({ name: 'reports' });
  const user = zitadel.createServiceUser({ userName: 'reporter' });
  const key: ServiceUserKeyFile = await zitadel.addServiceUserKey(user.userId);
  ZitadelModule.forRoot({ issuer: zitadel.issuer, serviceUser: { key }, projectId: project.id });
  await zitadel.close();
}

// --- Misuse that must not compile --------------------------------------------------------------

// @ts-expect-error `issuer` is required
ZitadelModule.forRoot({});

ZitadelModule.forRoot({
  issuer: 'https://acme.zitadel.cloud',
  // @ts-expect-error a key file path is a string
  serviceUser: { keyFile: 1 },
});

ZitadelModule.forRoot({
  issuer: 'https://acme.zitadel.cloud',
  // @ts-expect-error not a validation mode
  tokenValidation: 'magic',
});

// A Keyv is a store of introspection results; a bare adapter (KeyvRedis itself) is not.
ZitadelModule.forRoot({
  issuer: 'https://acme.zitadel.cloud',
  introspection: { cache: { stores: [new Keyv(new KeyvRedis('redis://localhost:6379'))] } },
});
ZitadelModule.forRoot({
  issuer: 'https://acme.zitadel.cloud',
  // @ts-expect-error a Keyv adapter without its Keyv
  introspection: { cache: { stores: [new KeyvRedis('redis://localhost:6379')] } },
});

export async function misuse(tokens: TokenService, introspection: IntrospectionService): Promise<void> {
  // @ts-expect-error scopes are a list
  await tokens.getAccessToken({ scopes: 'openid' });
  // @ts-expect-error a token is a string
  await introspection.introspect(42);
  // @ts-expect-error a project id is a string
  ZitadelScopes.projectAudience(123);
}

// --- Reading @Roles metadata: a reader, no raw decorator -----------------------------------------

export function requirementOf(reflector: Reflector, context: ExecutionContext): RolesRequirement | undefined {
  return getRolesRequirement(reflector, context.getHandler(), context.getClass());
}

// The raw metadata decorator is internal: applied directly it could admit everyone.
type ExportsRawDecorator = 'RolesMetadata' extends keyof typeof api ? true : false;
export const rawDecoratorExported: ExportsRawDecorator = false;

export class MisusedDecorators {
  // @ts-expect-error @Roles needs at least one role
  @Roles()
  none(): void {}

  // @ts-expect-error the object form needs anyOf or allOf
  @Roles({ mode: 'allOf', roles: [] })
  everyone(): void {}

  // @ts-expect-error not a field of ZitadelUser
  method(@CurrentUser('password') password: string): string {
    return password;
  }
}

// ZitadelApi: clients typed from @zitadel/proto's descriptors; requests and answers are checked.
export async function v2Calls(zitadelApi: api.ZitadelApi): Promise<string> {
  const { UserService } = await import('@zitadel/proto/zitadel/user/v2/user_service_pb.js');
  const users = zitadelApi.client(UserService);
  const { user } = await users.getUserByID({ userId: '1' }, api.orgContext('2', { timeoutMs: 1000 }));
  // @ts-expect-error the request of GetUserByID has no field `id`
  await users.getUserByID({ id: '1' });
  // @ts-expect-error a user id is a string
  await users.getUserByID({ userId: 1 });
  // @ts-expect-error no such method
  void users.getUserById;
  for await (const listed of zitadelApi.paginate(users.listUsers, {}, { pageSize: 10 })) {
    const name: string = listed.username;
    void name;
  }
  const error: unknown = undefined;
  if (error instanceof api.ZitadelApiError) {
    const connectCode: api.ZitadelConnectCode | undefined = error.connectCode;
    void connectCode;
  }
  const options: ZitadelModuleOptions = { issuer: 'https://acme.zitadel.cloud', api: { codec: 'binary' } };
  // @ts-expect-error not a codec
  const wrong: ZitadelModuleOptions = { issuer: 'https://acme.zitadel.cloud', api: { codec: 'xml' } };
  void options;
  void wrong;
  return user?.username ?? '';
}

// Actions v2: the verifier's result and errors, the answer builders, the module option.
export function actionsApi(rawBody: Buffer, header: string | undefined): string {
  const { timestamp, keyIndex }: api.VerifiedZitadelSignature = api.verifyZitadelSignature(rawBody, header, ['key']);
  // @ts-expect-error keys are strings
  api.verifyZitadelSignature(rawBody, header, [1]);
  const answer: api.ZitadelFunctionAnswer = api.zitadelFunctionAnswer({ claims: { tenant: 'acme' } });
  const forwarded: api.ZitadelForwardedError = api.zitadelForwardedError(403, 'closed');
  const options: api.ZitadelModuleOptions = {
    issuer: 'https://acme.zitadel.cloud',
    actions: { signingKeys: (request) => (request.url === '/a' ? ['a'] : []), toleranceSeconds: 60, replayGuard: true },
  };
  // @ts-expect-error not a payload type
  const route: api.ZitadelActionOptions = { payloadType: 'xml' };
  const error: unknown = undefined;
  const reason: api.SignatureRejection | undefined =
    error instanceof api.ZitadelSignatureError ? error.reason : undefined;
  void [keyIndex, answer, forwarded, options, route, reason];
  return `${timestamp}`;
}

// Microservices: a guard subclass reading the token from the message, and the refusal a caller reads.
@Injectable()
export class MessageTokenGuard extends ZitadelAuthGuard {
  protected override extractToken(request: api.ZitadelRequest | undefined, context: ExecutionContext) {
    const token: string | undefined = api.bearerTokenOf(context.switchToRpc().getData<{ auth?: unknown }>().auth);
    return token ?? super.extractToken(request, context);
  }
}
export function readRefusal(refusal: api.ZitadelRpcRefusal): string {
  const known: 401 | 403 | 503 = refusal.status;
  // @ts-expect-error a refusal's code is one of four keywords
  const wrong: api.ZitadelRpcRefusal = { status: 401, code: 'denied', message: '' };
  void wrong;
  return `${known} ${refusal.code}: ${refusal.message}`;
}

// Actions v2: receiving JWT/JWE bodies (Express or Fastify apps alike).
export function actionBodies(app: import('@nestjs/common').INestApplication): void {
  const parser: api.ZitadelActionBodyParserOptions = { paths: ['/zitadel'], limit: 65_536 };
  api.useZitadelActionBodyParser(app, parser);
  // @ts-expect-error paths are required
  api.useZitadelActionBodyParser(app, {});
}

// WebSockets and GraphQL subscriptions: the handshake helpers take the validator and the socket options.
export function socketHelpers(
  validator: api.ZitadelTokenValidator,
  app: import('@nestjs/common').INestApplication,
): void {
  const middleware = api.zitadelSocketIoMiddleware(validator, {
    tokenQueryParameter: 'access_token',
    disconnectOnRefusal: true,
  });
  // @ts-expect-error the option is a parameter name, not a switch
  api.zitadelSocketIoMiddleware(validator, { tokenQueryParameter: true });
  const onConnect: (context: api.GraphqlWsContextLike) => Promise<boolean> = api.zitadelGraphqlWsOnConnect(validator);
  app.useWebSocketAdapter(new ZitadelWsAdapter(app, { refuseUnauthenticated: true }));
  const code: api.ZitadelSocketRefusal['code'] = 'unavailable';
  // @ts-expect-error not a refusal code
  const wrong: api.ZitadelSocketRefusalCode = 'denied';
  void middleware;
  void onConnect;
  void code;
  void wrong;
}

// Token exchange, the actor of impersonated calls, and the exception filter.
export async function onBehalfOf(
  tokens: api.TokenService,
  user: api.ZitadelUser,
  callerToken: string,
): Promise<string> {
  const { token, issuedTokenType }: api.TokenExchangeResult = await tokens.exchange({
    subjectToken: callerToken,
    audience: ['231848297847848962'],
    requestedTokenType: 'jwt',
  });
  const impersonated = await tokens.exchange({
    subjectToken: user.sub,
    subjectTokenType: 'user_id',
    actorToken: await tokens.getAccessToken(),
  });
  // @ts-expect-error refresh tokens cannot be exchanged at ZITADEL
  await tokens.exchange({ subjectToken: callerToken, subjectTokenType: 'refresh_token' });
  // @ts-expect-error a subject token is required
  await tokens.exchange({ subjectTokenType: 'user_id' });
  const actor: api.ZitadelActor | undefined = user.actor;
  const error: unknown = undefined;
  if (error instanceof api.ZitadelTokenExchangeError) {
    const reason: api.TokenExchangeRefusal = error.reason;
    // @ts-expect-error not a refusal reason
    const wrong: api.TokenExchangeRefusal = 'nope';
    void reason;
    void wrong;
  }
  const filter: api.ZitadelExceptionFilter = new api.ZitadelExceptionFilter();
  void filter;
  return `${token}${issuedTokenType}${impersonated.token}${actor?.sub ?? ''}${actor?.issuer ?? ''}`;
}
