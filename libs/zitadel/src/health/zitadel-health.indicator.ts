import { Injectable } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { HealthIndicatorService, type HealthIndicatorResult } from '@nestjs/terminus';
import { createLocalJWKSet } from 'jose';
import type { ResolvedZitadelConfig } from '../config/resolved-config.js';
import { ZITADEL_CONFIG } from '../config/zitadel-config.token.js';
import { ZitadelAssertionRejectedError } from '../errors/assertion-rejected.error.js';
import { ZitadelOAuthError } from '../errors/oauth.error.js';
import { ZitadelResponseError } from '../errors/response.error.js';
import { ZitadelUnavailableError } from '../errors/unavailable.error.js';
import { ZitadelError } from '../errors/zitadel.error.js';
import { readJsonObject } from '../http/json-response.js';
import { ZitadelHttpClient } from '../http/zitadel-http-client.js';
import { IntrospectionService } from '../introspection/introspection.service.js';
import { parseDiscoveryDocument } from '../oidc/zitadel-discovery.service.js';
import { ZITADEL_CLOCK, type ZitadelClock } from '../shared/clock.js';
import { describeError } from '../shared/describe-error.js';
import { TokenService } from '../token/token.service.js';
import { ZitadelScopes } from '../token/zitadel-scopes.js';

/** Options of {@link ZitadelHealthIndicator.isHealthy}. */
export interface ZitadelHealthOptions {
  /**
   * How long the outcome of a credentials check is reused, in milliseconds: a service-user token
   * is asked of the `TokenService` (served from its cache, minted only when none is cached) and the
   * API application introspects a probe token at most this often, whether they passed or failed.
   * @default 60000
   */
  readonly credentialsCheckIntervalMs?: number;
}

/** One part of the check, as the details show it. */
type PartStatus = 'up' | 'down' | 'accepted' | 'refused' | 'not configured' | 'not checked';

interface Outcome {
  /** `refused`: ZITADEL answered and refused the credentials; `down`: it could not say. */
  readonly status: 'accepted' | 'refused' | 'down';
  readonly error?: string;
}

interface Remembered {
  readonly outcome: Outcome;
  readonly until: number;
}

/** The scopes `ZitadelApi` and the management client ask for: their cached token is the one reused. */
const API_SCOPES = ['openid', ZitadelScopes.zitadelApi()];
/** Not a token ZITADEL issued: the answer (`active: false`) says only that the API application may introspect. */
const PROBE_TOKEN = 'nestjs-zitadel-health-probe';
const DEFAULT_INTERVAL_MS = 60_000;

/** An error for the details: the library's errors by code and message (which never hold a secret), others by name only. */
function reason(error: unknown): string {
  if (error instanceof ZitadelError) return `${error.code}: ${error.message}`;
  return error instanceof Error ? describeError(error) : 'unknown error';
}

/**
 * A `@nestjs/terminus` health indicator for ZITADEL (import from `nestjs-zitadel/health`).
 *
 * Each probe fetches the discovery document and the JWKS afresh (two GETs of public, cacheable
 * documents), checked as the library checks them: the issuer it names, the endpoints' origins,
 * a usable key set with at least one key. The configured credentials are checked without a token
 * minted per probe: the service user's token comes from the `TokenService`'s cache (shared with
 * `ZitadelApi` and the management client; minted only when none is cached), the API application
 * introspects a probe token; either outcome, pass or fail, is reused for
 * `credentialsCheckIntervalMs`. A personal access token is not checked (ZITADEL would have to be
 * asked with it on every probe). Down when ZITADEL is unreachable, answers something the library
 * refuses, or refuses a credential. The details name each part and, when down, why: never a token,
 * key or secret.
 *
 * @example
 * \@Module({ imports: [TerminusModule], controllers: [HealthController], providers: [ZitadelHealthIndicator] })
 * // in the controller:
 * \@Get() \@HealthCheck() check() { return this.health.check([() => this.zitadel.isHealthy('zitadel')]); }
 */
@Injectable()
export class ZitadelHealthIndicator {
  private readonly remembered = new Map<'serviceUser' | 'apiApplication', Remembered>();

  constructor(
    private readonly indicators: HealthIndicatorService,
    // The module's internals (configuration, HTTP client) are not exported: read across modules.
    private readonly moduleRef: ModuleRef,
  ) {}

  /**
   * Checks ZITADEL and answers terminus' result under `key`.
   *
   * @returns `up` with `{ issuer, discovery, jwks, signingKeys, serviceUser, apiApplication }`, or
   *   `down` with the same and `error`. Terminus turns a `down` into its 503.
   */
  async isHealthy<const Key extends string>(
    key: Key,
    options: ZitadelHealthOptions = {},
  ): Promise<HealthIndicatorResult<Key>> {
    const indicator = this.indicators.check(key);
    const interval = options.credentialsCheckIntervalMs ?? DEFAULT_INTERVAL_MS;
    if (!Number.isFinite(interval) || interval < 0)
      throw new TypeError('"credentialsCheckIntervalMs" must be a non-negative number');
    const config = this.moduleRef.get<ResolvedZitadelConfig>(ZITADEL_CONFIG, { strict: false });
    const details: Record<string, string | number> = { issuer: config.issuer };
    const down = (part: string, status: PartStatus, error: unknown) =>
      indicator.down({ ...details, [part]: status, error: typeof error === 'string' ? error : reason(error) });

    let jwksUri: string;
    try {
      jwksUri = await this.discover(config);
    } catch (error) {
      return down('discovery', 'down', error);
    }
    details['discovery'] = 'up';
    try {
      details['signingKeys'] = await this.countKeys(jwksUri);
    } catch (error) {
      return down('jwks', 'down', error);
    }
    details['jwks'] = 'up';

    for (const part of ['serviceUser', 'apiApplication'] as const) {
      const configured = part === 'serviceUser' ? config.serviceUser : config.apiApplication;
      if (configured === undefined) {
        details[part] = 'not configured';
        continue;
      }
      if (configured.kind === 'personal-access-token') {
        details[part] = 'not checked';
        continue;
      }
      const outcome = await this.credentials(part, interval);
      if (outcome.status !== 'accepted') return down(part, outcome.status, outcome.error ?? outcome.status);
      details[part] = 'accepted';
    }
    return indicator.up(details);
  }

  private http(): ZitadelHttpClient {
    return this.moduleRef.get(ZitadelHttpClient, { strict: false });
  }

  /** The discovery document, fetched now and checked; answers its `jwks_uri`. */
  private async discover(config: ResolvedZitadelConfig): Promise<string> {
    const url = `${config.issuer}/.well-known/openid-configuration`;
    const response = await this.http().send({
      method: 'GET',
      url,
      idempotent: true,
      endpoint: 'discovery',
      headers: { accept: 'application/json' },
    });
    if (response.status !== 200)
      throw new ZitadelUnavailableError(`ZITADEL discovery at ${url} answered ${response.status}`, response.status);
    return parseDiscoveryDocument(readJsonObject(response, 'discovery'), config.issuer, config.discovery.trustedOrigins)
      .jwks_uri;
  }

  /** The JWKS, fetched now: a usable key set with at least one key. */
  private async countKeys(url: string): Promise<number> {
    const response = await this.http().send({
      method: 'GET',
      url,
      idempotent: true,
      endpoint: 'jwks',
      headers: { accept: 'application/json' },
    });
    if (response.status !== 200)
      throw new ZitadelUnavailableError(`ZITADEL jwks endpoint answered ${response.status}`, response.status);
    const body = readJsonObject(response, 'jwks');
    const keys = body['keys'];
    try {
      createLocalJWKSet(body as { keys: [] });
    } catch {
      throw new ZitadelResponseError('ZITADEL jwks endpoint answered a malformed JSON Web Key Set', response.status);
    }
    if (!Array.isArray(keys) || keys.length === 0)
      throw new ZitadelResponseError('ZITADEL jwks endpoint answered a key set without keys', response.status);
    return keys.length;
  }

  /** The last outcome of a credentials check while it is fresh, else a new check. */
  private async credentials(part: 'serviceUser' | 'apiApplication', intervalMs: number): Promise<Outcome> {
    const clock = this.moduleRef.get<ZitadelClock>(ZITADEL_CLOCK, { strict: false });
    const last = this.remembered.get(part);
    if (last !== undefined && clock.now() < last.until) return last.outcome;
    let outcome: Outcome;
    try {
      if (part === 'serviceUser')
        await this.moduleRef.get(TokenService, { strict: false }).getAccessToken({ scopes: API_SCOPES });
      else await this.moduleRef.get(IntrospectionService, { strict: false }).introspect(PROBE_TOKEN);
      outcome = { status: 'accepted' };
    } catch (error) {
      const refused = error instanceof ZitadelOAuthError || error instanceof ZitadelAssertionRejectedError;
      outcome = { status: refused ? 'refused' : 'down', error: reason(error) };
    }
    this.remembered.set(part, { outcome, until: clock.now() + intervalMs });
    return outcome;
  }
}
