import { Injectable, Logger } from '@nestjs/common';
import type { Cache } from 'cache-manager';
import { InjectZitadelConfig } from '../config/zitadel-config.token.js';
import type { ResolvedApiApplication, ResolvedZitadelConfig } from '../config/resolved-config.js';
import { ZitadelConfigurationError } from '../errors/configuration.error.js';
import { ZitadelDiscoveryError } from '../errors/discovery.error.js';
import { ZitadelOAuthError } from '../errors/oauth.error.js';
import { ZitadelResponseError } from '../errors/response.error.js';
import { readJsonObject, readOAuthError } from '../http/json-response.js';
import { ZitadelHttpClient } from '../http/zitadel-http-client.js';
import { authenticateClient, type ClientAuthentication } from '../oidc/client-authentication.js';
import { ZitadelDiscovery } from '../oidc/zitadel-discovery.service.js';
import { InjectZitadelClock, type ZitadelClock } from '../shared/clock.js';
import {
  createIntrospectionCache,
  introspectionCacheEntry,
  introspectionCacheKey,
  readIntrospectionCacheEntry,
} from './introspection-cache.js';
import { parseIntrospectionResult, type IntrospectionResult } from './introspection-result.js';
import { assertIntrospectionTimes } from './introspection-times.js';
import { describeError } from '../shared/describe-error.js';

const ENDPOINT = 'introspection';

/**
 * Asks ZITADEL whether an access token is active (RFC 7662), authenticated as the configured API
 * application: `private_key_jwt` with its application key, or `client_secret_basic`.
 *
 * Results are cached through cache-manager under a sha256 hash of the token (never the token):
 * active ones until the token's `exp` but no longer than `introspection.cache.maxTtlSeconds`,
 * inactive ones for `introspection.cache.inactiveTtlSeconds`, both measured on the module's clock
 * (each entry stores the instant it ends). Failures are never cached, nor is an active answer
 * whose `exp` has passed or whose `nbf` is ahead (beyond `jwt.clockToleranceSeconds`): it is
 * refused. Concurrent calls for one token share one request.
 *
 * @example
 * const result = await introspection.introspect(token);
 * if (result.active) console.info(result.sub, result.scope);
 * @see https://zitadel.com/docs/guides/integrate/token-introspection
 */
@Injectable()
export class IntrospectionService {
  private readonly logger = new Logger('Zitadel');
  private readonly cache: Cache;
  private readonly inFlight = new Map<string, Promise<IntrospectionResult>>();
  /** Bound on reads and writes of user-given stores; the default in-memory store needs none. */
  private readonly storeTimeoutMs: number | undefined;

  constructor(
    @InjectZitadelConfig() private readonly config: ResolvedZitadelConfig,
    private readonly http: ZitadelHttpClient,
    private readonly discovery: ZitadelDiscovery,
    @InjectZitadelClock() private readonly clock: ZitadelClock,
  ) {
    this.cache = createIntrospectionCache(config.introspection.cache);
    this.storeTimeoutMs =
      config.introspection.cache.stores === undefined ? undefined : config.introspection.cache.storeTimeoutMs;
  }

  /**
   * Introspects an access token. `{ active: false }` means ZITADEL does not accept it for this
   * API (unknown, expired, revoked or for another audience); it is an answer, not an error.
   *
   * @throws {TypeError} `token` is not a non-empty string.
   * @throws {ZitadelTokenInvalidError} ZITADEL said active, but the `exp` it gave has passed
   *   (`expired`) or its `nbf` is ahead (`not-yet-valid`), beyond `jwt.clockToleranceSeconds`.
   * @throws {ZitadelConfigurationError} no `apiApplication` is configured.
   * @throws {ZitadelUnavailableError} ZITADEL could not be reached or failed (5xx, timeout) after retries.
   * @throws {ZitadelOAuthError} ZITADEL refused the API application's credentials (400/401).
   * @throws {ZitadelResponseError} ZITADEL's answer could not be trusted (status, content type, field types).
   * @throws {ZitadelDiscoveryError} the discovery document names no introspection endpoint.
   */
  async introspect(token: string): Promise<IntrospectionResult> {
    if (typeof token !== 'string' || token === '') throw new TypeError('"token" must be a non-empty string');
    const client = this.clientAuthentication();
    const key = introspectionCacheKey(token);
    const cached = readIntrospectionCacheEntry(
      await this.bounded(this.cache.get<unknown>(key), 'read'),
      this.clock.now(),
    );
    if (cached !== undefined) return cached;
    let pending = this.inFlight.get(key);
    if (pending === undefined) {
      pending = this.fetchAndCache(key, token, client).finally(() => this.inFlight.delete(key));
      this.inFlight.set(key, pending);
    }
    return pending;
  }

  private async fetchAndCache(key: string, token: string, client: ClientAuthentication): Promise<IntrospectionResult> {
    const result = await this.request(token, client);
    const now = this.clock.now();
    assertIntrospectionTimes(result, now, this.config.jwt.clockToleranceSeconds);
    const ttlMs = this.ttlMs(result, now);
    if (ttlMs > 0)
      await this.bounded(this.cache.set(key, introspectionCacheEntry(result, now + ttlMs), ttlMs), 'write');
    return result;
  }

  /** A cache operation that gives up (as a miss) after `storeTimeoutMs`, so a dead store cannot hold requests. */
  private bounded<T>(operation: Promise<T>, what: 'read' | 'write'): Promise<T | undefined> {
    const limitMs = this.storeTimeoutMs;
    if (limitMs === undefined) return operation;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<undefined>((resolve) => {
      timer = setTimeout(() => {
        this.logger.warn(`The introspection cache did not answer a ${what} within ${limitMs} ms; going on without it`);
        resolve(undefined);
      }, limitMs);
    });
    const settled = operation.catch((error: unknown) => {
      this.logger.warn(`The introspection cache failed a ${what}; going on without it: ${describeError(error)}`);
      return undefined;
    });
    return Promise.race([settled, timeout]).finally(() => clearTimeout(timer));
  }

  /** How long a result may be reused: never past the token's `exp`. */
  private ttlMs(result: IntrospectionResult, nowMs: number): number {
    const settings = this.config.introspection.cache;
    if (!result.active) return settings.inactiveTtlSeconds * 1000;
    const maxMs = settings.maxTtlSeconds * 1000;
    return result.exp === undefined ? maxMs : Math.min(maxMs, result.exp * 1000 - nowMs);
  }

  private async request(token: string, client: ClientAuthentication): Promise<IntrospectionResult> {
    const discovery = await this.discovery.get();
    const url = discovery.introspection_endpoint;
    if (url === undefined) throw new ZitadelDiscoveryError('The discovery document names no introspection_endpoint');
    const auth = await authenticateClient(client, discovery.issuer, this.clock.now());
    const response = await this.http.send({
      method: 'POST',
      url,
      headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json', ...auth.headers },
      body: new URLSearchParams({ ...auth.form, token, token_type_hint: 'access_token' }).toString(),
      // Reading a token's state changes nothing: safe to send again after a network error.
      idempotent: true,
      endpoint: ENDPOINT,
    });
    if (response.status !== 200) {
      const oauth = response.status === 400 || response.status === 401 ? readOAuthError(response) : undefined;
      if (oauth !== undefined)
        throw new ZitadelOAuthError(oauth.error, oauth.error_description, response.status, ENDPOINT);
      throw new ZitadelResponseError(`ZITADEL introspection endpoint answered ${response.status}`, response.status);
    }
    return parseIntrospectionResult(readJsonObject(response, ENDPOINT), response.status);
  }

  private clientAuthentication(): ClientAuthentication {
    const app = this.config.apiApplication;
    if (app === undefined) {
      throw new ZitadelConfigurationError([
        {
          path: 'apiApplication',
          message: 'is required to introspect tokens: give the API application key file or its client id and secret',
        },
      ]);
    }
    return toClientAuthentication(app);
  }
}

/** The introspection credentials of the API application. */
export function toClientAuthentication(app: ResolvedApiApplication): ClientAuthentication {
  return app.kind === 'private-key-jwt'
    ? { method: 'private_key_jwt', key: app.key }
    : { method: 'client_secret_basic', clientId: app.clientId, clientSecret: app.clientSecret };
}
