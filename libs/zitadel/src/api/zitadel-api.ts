import { Injectable, Logger } from '@nestjs/common';
import type { DescMethod, DescMethodUnary, DescService } from '@bufbuild/protobuf';
import type { CallOptions, Client } from '@connectrpc/connect';
import type { ResolvedZitadelConfig } from '../config/resolved-config.js';
import { InjectZitadelConfig } from '../config/zitadel-config.token.js';
import type { AuthorizedExchangeContext } from '../http/authorized-exchange.js';
import { ZitadelHttpClient } from '../http/zitadel-http-client.js';
import { TokenService } from '../token/token.service.js';
import { ZitadelScopes } from '../token/zitadel-scopes.js';
import { callUnary, type ConnectUnaryContext } from './connect-unary.js';
import { paginateList, type ZitadelListCall, type ZitadelListItem, type ZitadelPaginateOptions } from './list-pages.js';
import { LazyProtobuf } from './protobuf-runtime.js';

/** The same scopes as the management client's, so that one cached token serves both. */
const API_SCOPES: readonly string[] = ['openid', ZitadelScopes.zitadelApi()];

/**
 * Typed clients for ZITADEL's v2 services (user, organization, project, application,
 * authorization, session, settings, action, feature, webkey, ...), from the service descriptors
 * ZITADEL publishes in `@zitadel/proto`, over the Connect protocol, as the configured service user.
 *
 * - Calls: `POST {issuer}/{package}.{Service}/{Method}`, proto3 JSON (module option
 *   `api.codec: 'binary'` for `application/proto`), with a token for ZITADEL's APIs from
 *   {@link TokenService} (the one the management client uses).
 * - Errors: the management client's {@link ZitadelApiError} subclasses with `connectCode`, `status`,
 *   `zitadelMessage` and `errorId`; a 401 drops the token and retries once with a fresh one.
 * - Retries: 429 and `unavailable` with backoff honouring `Retry-After`; `Get*`/`List*` calls also
 *   after 5xx and network failures; other calls only when they cannot have been applied.
 * - Call options: `signal` and `timeoutMs` are honoured (besides `http.timeoutMs` per attempt),
 *   `headers` are sent, e.g. `x-zitadel-orgid` from {@link orgContext}.
 *
 * `@zitadel/proto` and `@bufbuild/protobuf` are optional peer dependencies, loaded on the first call.
 *
 * @example
 * const { user } = await api.client(UserService).getUserByID({ userId });
 * for await (const user of api.paginate(api.client(UserService).listUsers, {})) names.push(user.username);
 * @see https://zitadel.com/docs/apis/introduction
 */
@Injectable()
export class ZitadelApi {
  private readonly logger = new Logger('Zitadel');
  private readonly clients = new Map<string, object>();
  /** The descriptor behind each method of our clients, for {@link paginate}. */
  private readonly methods = new WeakMap<object, DescMethod>();
  private readonly context: ConnectUnaryContext;

  constructor(@InjectZitadelConfig() config: ResolvedZitadelConfig, http: ZitadelHttpClient, tokens: TokenService) {
    const exchange: AuthorizedExchangeContext = {
      http,
      tokens,
      scopes: API_SCOPES,
      logger: this.logger,
      protocol: 'connect',
    };
    this.context = { issuer: config.issuer, codec: config.api.codec, protobuf: new LazyProtobuf(), exchange };
  }

  /**
   * The typed client of a service: one method per RPC, named in lowerCamelCase
   * (`getUserByID`), taking the request as a message or a partial init and call options, and
   * answering the response message. The same object for the same service.
   *
   * @example
   * import { UserService } from '@zitadel/proto/zitadel/user/v2/user_service_pb.js';
   * const users = api.client(UserService);
   * @throws {TypeError} `service` is not a service descriptor. Calling a streaming method throws a
   *   `TypeError` too: ZITADEL's resource APIs are unary.
   */
  client<T extends DescService>(service: T): Client<T> {
    if (
      typeof service !== 'object' ||
      service === null ||
      typeof service.typeName !== 'string' ||
      !Array.isArray(service.methods)
    ) {
      throw new TypeError('"service" must be a service descriptor of @zitadel/proto, e.g. UserService');
    }
    const known = this.clients.get(service.typeName);
    if (known !== undefined) return known as Client<T>;
    const client: Record<string, unknown> = {};
    for (const method of service.methods) {
      const unary = method.methodKind === 'unary' ? (method as DescMethodUnary) : undefined;
      const call =
        unary !== undefined
          ? (request: unknown, options?: CallOptions) => callUnary(this.context, unary, request, options)
          : () => {
              throw new TypeError(
                `ZitadelApi makes unary calls only; ${service.typeName}/${method.name} is ${method.methodKind.replace('_', '-')}`,
              );
            };
      this.methods.set(call, method);
      client[method.localName] = call;
    }
    Object.freeze(client);
    this.clients.set(service.typeName, client);
    return client as Client<T>;
  }

  /**
   * Every item of a v2 `List*` call, page by page, as an async iterator: v2's `query`
   * (`{offset, limit, asc}` → `details.totalResult`, items in `result`) and v2beta's `pagination`
   * (→ `pagination.totalResult`, items in the response's list field) alike.
   *
   * @example
   * const users = api.client(UserService);
   * for await (const user of api.paginate(users.listUsers, { queries: [] }, { pageSize: 200 })) {}
   * @throws {TypeError} a page size outside 1..1000, a malformed offset, a call without paging
   *   (when iteration starts).
   */
  paginate<Req extends object, Res extends object, Item = ZitadelListItem<Res>>(
    call: ZitadelListCall<Req, Res>,
    request: Req,
    options: ZitadelPaginateOptions<Res, Item> = {},
  ): AsyncGenerator<Item, void, undefined> {
    return paginateList(call, request, options, this.methods.get(call));
  }
}
