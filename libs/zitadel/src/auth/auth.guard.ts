import {
  ForbiddenException,
  HttpException,
  Injectable,
  Logger,
  Optional,
  ServiceUnavailableException,
  UnauthorizedException,
  type CanActivate,
  type ExecutionContext,
} from '@nestjs/common';
import { HttpAdapterHost, Reflector } from '@nestjs/core';
import { ZitadelTokenInvalidError } from '../errors/token-invalid.error.js';
import { ZitadelError } from '../errors/zitadel.error.js';
import { Public } from './public.decorator.js';
import { responseOf, type ZitadelRequest } from './request-context.js';
import { RolesMetadata, type RolesRequirement } from './roles.decorator.js';
import { ZitadelTokenValidator } from './token-validator.js';
import { ZitadelUser } from './zitadel-user.js';
import type { GuardRefusal } from './transports/guard-transport.js';
import { transportOf } from './transports/transport-of.js';
import { ZitadelConnection } from './transports/connection.js';
import { InjectZitadelClock, systemClock, type ZitadelClock } from '../shared/clock.js';
import { describeError } from '../shared/describe-error.js';
import { remoteText } from '../shared/remote-text.js';

/** What a route asks of its callers, from `@Public` and `@Roles` (handler first, then class). */
export interface RoutePolicy {
  /** No token needed; a valid one still yields the user. */
  readonly public: boolean;
  /** Roles needed beyond a valid token, if any. */
  readonly roles: RolesRequirement | undefined;
}

/** A role key or organisation id for a log line: escaped, bounded, quoted. */
const safe = (text: string): string => JSON.stringify(remoteText(text, 100));

const AUTHENTICATED: RoutePolicy = Object.freeze({ public: false, roles: undefined });
const PUBLIC: RoutePolicy = Object.freeze({ public: true, roles: undefined });

/**
 * Protects routes with ZITADEL access tokens: a bearer token in the `Authorization` header,
 * validated by {@link ZitadelTokenValidator} (local JWT verification or introspection), roles
 * checked per `@Roles`, the user put on `request.user` for `@CurrentUser()`. Works globally
 * (`APP_GUARD`) or with `@UseGuards`, over Express, Fastify and GraphQL, and on WebSocket
 * gateways and GraphQL subscriptions: there the token comes from the connection's handshake, the
 * user is kept for the connection until its token's `exp` (module clock), and refusals are
 * `WsException`s `{ status: 'error', code, message }` (subscriptions: GraphQL errors with
 * `extensions`); see the README.
 *
 * Answers (RFC 6750 §3): no token → 401 `WWW-Authenticate: Bearer realm="..."`; a bad, expired
 * or foreign token → 401 with `error="invalid_token"`; a missing role → 403 with
 * `error="insufficient_scope"`; ZITADEL unreachable or answering garbage → 503. Never a pass on
 * failure. Tokens never appear in logs.
 *
 * Subclass it to change how tokens are found or users built: the `protected` methods are the
 * override points.
 *
 * @example
 * providers: [{ provide: APP_GUARD, useClass: ZitadelAuthGuard }]
 * @throws {ZitadelConfigurationError} when created, if the options cannot validate tokens
 *   (`projectId` missing, or `apiApplication` missing outside `tokenValidation: 'jwt'`).
 */
@Injectable()
export class ZitadelAuthGuard implements CanActivate {
  protected readonly logger = new Logger('ZitadelAuthGuard');
  /** Route policies by handler, then by controller class: metadata is read once per route. */
  private readonly policies = new WeakMap<object, WeakMap<object, RoutePolicy>>();
  /** Whether cache hits may skip `resolveUser` (see {@link canActivate}): not when a subclass overrides it. */
  private readonly servesCacheHits: boolean;
  /** The module's clock: when a connection's user must be checked again. */
  private readonly clock: ZitadelClock;

  constructor(
    protected readonly reflector: Reflector,
    protected readonly validator: ZitadelTokenValidator,
    @Optional() protected readonly adapterHost?: HttpAdapterHost,
    @Optional() @InjectZitadelClock() clock?: ZitadelClock,
  ) {
    validator.assertConfigured();
    this.clock = clock ?? systemClock;
    // A subclass that builds users its own way (`resolveUser`) gets every token through it, and a
    // validator replaced by one without the synchronous lookup is only asked through `validate`.
    this.servesCacheHits =
      this.resolveUser === ZitadelAuthGuard.prototype.resolveUser && typeof validator.validateCached === 'function';
  }

  /**
   * Lets the request through or throws the answer (401, 403, 503). A token whose verified JWT is
   * still in the validator's cache, on a route it satisfies, is let through synchronously
   * (`true`, no promise: this is every request but the first of a token); anything else takes
   * the asynchronous path, with the same answers as ever.
   */
  canActivate(context: ExecutionContext): boolean | Promise<boolean> {
    const policy = this.getRoutePolicy(context);
    const request = transportOf(context).request(context);
    if (!policy.public) {
      let user = request instanceof ZitadelConnection ? this.connectionUser(request) : undefined;
      if (user === undefined && this.servesCacheHits) user = this.cachedUser(request, context);
      if (user !== undefined && (policy.roles === undefined || this.hasRequiredRoles(user, policy.roles, context))) {
        if (request !== undefined) request.user = user;
        return true;
      }
    }
    return this.activate(policy, request, context);
  }

  private async activate(
    policy: RoutePolicy,
    request: ZitadelRequest | undefined,
    context: ExecutionContext,
  ): Promise<boolean> {
    if (policy.public) {
      await this.attachOptionalUser(request, context);
      return true;
    }
    let user = request instanceof ZitadelConnection ? this.connectionUser(request) : undefined;
    if (user === undefined) {
      if (request instanceof ZitadelConnection) request.user = undefined; // its token expired: never reused
      let token: string | undefined;
      try {
        token = this.extractToken(request, context);
      } catch (error) {
        throw await this.toRefusal(error, context);
      }
      if (token === undefined) throw await this.refuse({ kind: 'missing-token' }, context);
      try {
        user = await this.resolveUser(token, context);
      } catch (error) {
        throw await this.toRefusal(error, context);
      }
      if (request !== undefined) request.user = user;
    }
    if (policy.roles !== undefined && !this.hasRequiredRoles(user, policy.roles, context)) {
      this.logger.debug(this.describeMissingRoles(user, policy.roles, context));
      throw await this.refuse({ kind: 'missing-role' }, context);
    }
    return true;
  }

  /**
   * The route's policy. Handler metadata overrides class metadata; on one target, `@Roles`
   * overrides `@Public`.
   */
  protected getRoutePolicy(context: ExecutionContext): RoutePolicy {
    const handler = context.getHandler();
    const controller = context.getClass();
    let byClass = this.policies.get(handler);
    let policy = byClass?.get(controller);
    if (policy === undefined) {
      policy = this.readPolicy(handler) ?? this.readPolicy(controller) ?? AUTHENTICATED;
      if (byClass === undefined) this.policies.set(handler, (byClass = new WeakMap()));
      byClass.set(controller, policy);
    }
    return policy;
  }

  /**
   * The access token of the call, or `undefined` when it carries none: over HTTP and GraphQL the
   * bearer token of the `Authorization` header; other transports read theirs (see the README).
   *
   * @throws {ZitadelTokenInvalidError} the credentials are malformed (answered 401).
   */
  protected extractToken(request: ZitadelRequest | undefined, context: ExecutionContext): string | undefined {
    return transportOf(context).token(request, context);
  }

  /**
   * The user a token stands for.
   *
   * @throws {ZitadelTokenInvalidError} the token is not accepted (answered 401).
   * @throws {ZitadelError} ZITADEL could not answer (answered 503).
   */
  protected resolveUser(token: string, _context: ExecutionContext): Promise<ZitadelUser> {
    return this.validator.validate(token);
  }

  /** Whether the user satisfies `@Roles`; an organisation-scoped check needs the request to name one. */
  protected hasRequiredRoles(user: ZitadelUser, requirement: RolesRequirement, context: ExecutionContext): boolean {
    if (requirement.roles.length === 0) return false; // `[].every` would admit everyone
    let orgId: string | undefined;
    if (requirement.org !== undefined) {
      orgId = this.getOrganizationId(requirement, context);
      if (orgId === undefined) return false;
    }
    return requirement.mode === 'allOf'
      ? requirement.roles.every((role) => user.hasRole(role, orgId))
      : requirement.roles.some((role) => user.hasRole(role, orgId));
  }

  /**
   * The organisation an organisation-scoped `@Roles` names, from a route parameter (GraphQL: an
   * argument; other transports: see the README) or a header.
   */
  protected getOrganizationId(requirement: RolesRequirement, context: ExecutionContext): string | undefined {
    const transport = transportOf(context);
    const request = transport.request(context);
    const source = requirement.org;
    const value =
      source?.param !== undefined
        ? transport.params(request, context)?.[source.param]
        : source?.header !== undefined
          ? request?.headers[source.header]
          : undefined;
    return typeof value === 'string' && value !== '' ? value : undefined;
  }

  /** On a `@Public` route: a valid token yields the user; anything wrong with it is ignored. */
  private async attachOptionalUser(request: ZitadelRequest | undefined, context: ExecutionContext): Promise<void> {
    if (request instanceof ZitadelConnection) {
      if (this.connectionUser(request) !== undefined) return;
      request.user = undefined;
    }
    try {
      const token = this.extractToken(request, context);
      if (token !== undefined && request !== undefined) request.user = await this.resolveUser(token, context);
    } catch (error) {
      if (!(error instanceof ZitadelTokenInvalidError))
        this.logger.debug(`Ignoring an unverifiable token on a public route: ${describeError(error)}`);
    }
  }

  /**
   * The user a connection (WebSocket, GraphQL subscription) already resolved, while its token has
   * not reached `exp` on the module's clock; after that (or without `exp`) the token is checked again.
   */
  private connectionUser(connection: ZitadelConnection): ZitadelUser | undefined {
    const user = connection.user;
    if (!(user instanceof ZitadelUser) || user.exp === undefined) return undefined;
    return this.clock.now() < user.exp * 1000 ? user : undefined;
  }

  /** The cached user of the request's token, if the validator holds one; `undefined` sends the request the long way. */
  private cachedUser(request: ZitadelRequest | undefined, context: ExecutionContext): ZitadelUser | undefined {
    let token: string | undefined;
    try {
      token = this.extractToken(request, context);
    } catch {
      // A malformed header: the asynchronous path extracts it again and answers 401.
      return undefined;
    }
    return token === undefined ? undefined : this.validator.validateCached(token);
  }

  private readPolicy(target: object): RoutePolicy | undefined {
    const roles = this.reflector.get(RolesMetadata, target as () => void);
    if (roles !== undefined) return Object.freeze({ public: false, roles });
    return this.reflector.get(Public, target as () => void) === true ? PUBLIC : undefined;
  }

  /**
   * Why a 403: the roles the route needs (and from which organisation) and the roles the token has,
   * by role key and organisation id only: never the token, the user or other claims. Role keys and
   * the organisation id the request names are escaped (they could hold control characters).
   */
  private describeMissingRoles(user: ZitadelUser, requirement: RolesRequirement, context: ExecutionContext): string {
    const needed = `${requirement.mode === 'allOf' ? 'all' : 'any'} of the roles ${requirement.roles.map(safe).join(', ')}`;
    let from = '';
    if (requirement.org !== undefined) {
      const source =
        requirement.org.param !== undefined
          ? `route parameter ${safe(requirement.org.param)}`
          : `header ${safe(requirement.org.header)}`;
      const orgId = this.getOrganizationId(requirement, context);
      from =
        orgId === undefined
          ? ` granted by the organisation named in ${source}, and the request names none`
          : ` granted by organisation ${safe(orgId)} (${source})`;
    }
    const held = Object.entries(user.roles).map(
      ([role, orgs]) => `${safe(role)} (orgs ${Object.keys(orgs).map(safe).join(', ')})`,
    );
    return `Answering 403: the route needs ${needed}${from}; the token has ${held.length === 0 ? 'no roles of the project' : `the roles ${held.join(', ')}`}`;
  }

  /** What to throw for an error met while finding or checking the token. */
  private async toRefusal(error: unknown, context: ExecutionContext): Promise<unknown> {
    if (error instanceof HttpException) return error;
    if (error instanceof ZitadelTokenInvalidError) return this.refuse({ kind: 'invalid-token', error }, context);
    if (error instanceof ZitadelError) {
      this.logger.warn(`Access token not checked, answering 503: ${error.message}`);
    } else {
      this.logger.error(
        `Access token not checked, answering 503: ${describeError(error)}`,
        error instanceof Error ? error.stack : undefined,
      );
    }
    return this.refuse({ kind: 'unavailable' }, context);
  }

  /** The answer of the context's transport to a refusal; HTTP exceptions unless the transport has its own. */
  private async refuse(refusal: GuardRefusal, context: ExecutionContext): Promise<Error> {
    const own = await transportOf(context).refuse?.(refusal, context);
    return own ?? this.httpRefusal(refusal, context);
  }

  private httpRefusal(refusal: GuardRefusal, context: ExecutionContext): HttpException {
    switch (refusal.kind) {
      case 'missing-token':
        return this.unauthorized(context, undefined);
      case 'invalid-token':
        return this.unauthorized(context, refusal.error);
      case 'missing-role':
        this.challenge(context, 'error="insufficient_scope"');
        return new ForbiddenException('Missing role');
      case 'unavailable':
        return new ServiceUnavailableException('Access tokens cannot be checked right now');
    }
  }

  private unauthorized(context: ExecutionContext, error: ZitadelTokenInvalidError | undefined): UnauthorizedException {
    // The descriptions are fixed sentences (see ZitadelTokenInvalidError): nothing from the request.
    this.challenge(
      context,
      error === undefined ? undefined : `error="invalid_token", error_description="${error.message}"`,
    );
    return new UnauthorizedException(error === undefined ? 'Missing bearer token' : error.message);
  }

  /** Sets the `WWW-Authenticate` challenge on the response, when there is one (not in GraphQL). */
  private challenge(context: ExecutionContext, params: string | undefined): void {
    const response = responseOf(context);
    const adapter = this.adapterHost?.httpAdapter;
    if (response === undefined || response === null || adapter === undefined || adapter === null) return;
    const realm = `Bearer realm="${this.validator.realm}"`;
    adapter.setHeader(response, 'WWW-Authenticate', params === undefined ? realm : `${realm}, ${params}`);
  }
}
