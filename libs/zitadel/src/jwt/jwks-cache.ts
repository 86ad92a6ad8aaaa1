import { Inject, Injectable, Logger } from '@nestjs/common';
import {
  createLocalJWKSet,
  errors,
  type CryptoKey,
  type FlattenedJWSInput,
  type JWSHeaderParameters,
  type LocalJWKSet,
} from 'jose';
import { ZitadelResponseError } from '../errors/response.error.js';
import { ZitadelUnavailableError } from '../errors/unavailable.error.js';
import { readJsonObject } from '../http/json-response.js';
import type { ResolvedZitadelConfig } from '../config/resolved-config.js';
import { InjectZitadelConfig } from '../config/zitadel-config.token.js';
import { ZitadelHttpClient } from '../http/zitadel-http-client.js';
import { ZitadelDiscovery } from '../oidc/zitadel-discovery.service.js';
import { InjectZitadelClock, type ZitadelClock } from '../shared/clock.js';
import { describeError } from '../shared/describe-error.js';

/** The part of the HTTP client the cache uses. */
export type JwksHttp = Pick<ZitadelHttpClient, 'send'>;

/** The part of discovery the cache uses: where the JWKS is. */
export type JwksLocation = Pick<ZitadelDiscovery, 'get'>;

const ENDPOINT = 'jwks';

interface LoadedSet {
  readonly keys: LocalJWKSet;
  readonly fetchedAt: number;
}

/**
 * ZITADEL's signing keys, fetched through the library's HTTP client (timeouts, retries) and
 * kept in memory. A token whose `kid` is not in the set refetches it, at most once per cooldown,
 * so a rotated key is picked up at once and a flood of forged `kid`s costs ZITADEL one request
 * per cooldown (`jwt.jwksCooldownSeconds`). Concurrent fetches are shared. A set older than
 * `jwt.jwksMaxAgeSeconds` is refreshed in the background. While no set was ever loaded, a failed
 * fetch is remembered for `http.failureCooldownMs`: meanwhile every caller gets the same error
 * without a new request, so junk tokens during an outage do not multiply ZITADEL's load. A provider of `ZitadelModule`: replace
 * it with `overrideProvider(JwksCache)` to serve keys from elsewhere.
 */
@Injectable()
export class JwksCache {
  private readonly logger = new Logger('Zitadel');
  private loaded: LoadedSet | undefined;
  private pending: Promise<LoadedSet> | undefined;
  /** When the last fetch started, successful or not; -Infinity before the first. */
  private lastFetchAt = Number.NEGATIVE_INFINITY;
  /** Why the last fetch failed; `undefined` once one succeeds. */
  private lastFetchError: unknown;
  /** When the last fetch failed; -Infinity before the first failure and after a success. */
  private lastFailureAt = Number.NEGATIVE_INFINITY;

  private readonly cooldownMs: number;
  private readonly maxAgeMs: number;
  private readonly failureCooldownMs: number;

  constructor(
    @InjectZitadelConfig() config: ResolvedZitadelConfig,
    @Inject(ZitadelHttpClient) private readonly http: JwksHttp,
    @Inject(ZitadelDiscovery) private readonly discovery: JwksLocation,
    @InjectZitadelClock() private readonly clock: ZitadelClock,
  ) {
    this.cooldownMs = config.jwt.jwksCooldownSeconds * 1000;
    this.maxAgeMs = config.jwt.jwksMaxAgeSeconds * 1000;
    this.failureCooldownMs = config.http.failureCooldownMs;
  }

  /**
   * The key resolver for `jose.jwtVerify`.
   *
   * @throws {errors.JWKSNoMatchingKey} no key of the set (after a refetch, when allowed) matches.
   * @throws {ZitadelUnavailableError} the JWKS could not be fetched (also within the cooldown after
   *   a failed fetch: the key may exist, ZITADEL could not say).
   * @throws {ZitadelDiscoveryError} discovery failed (see `ZitadelDiscovery.get`).
   * @throws {ZitadelResponseError} the JWKS is not a usable key set.
   */
  readonly getKey = async (header: JWSHeaderParameters, token: FlattenedJWSInput): Promise<CryptoKey> => {
    const current = this.loaded ?? (await this.firstLoad());
    if (this.clock.now() - current.fetchedAt >= this.maxAgeMs) this.refreshInBackground();
    try {
      return await current.keys(header, token);
    } catch (error) {
      if (!(error instanceof errors.JWKSNoMatchingKey)) throw error;
      // An unknown key while the last fetch failed is an outage, not proof of a forged token.
      if (!this.mayFetch()) throw this.lastFetchError ?? error;
      const fresh = await this.fetch();
      return fresh.keys(header, token);
    }
  };

  /** The first set: one fetch at a time, and none within `http.failureCooldownMs` of a failed one. */
  private firstLoad(): Promise<LoadedSet> {
    if (this.pending === undefined && this.clock.now() - this.lastFailureAt < this.failureCooldownMs) {
      return Promise.reject(this.lastFetchError);
    }
    return this.fetch();
  }

  private mayFetch(): boolean {
    return this.pending !== undefined || this.clock.now() - this.lastFetchAt >= this.cooldownMs;
  }

  private refreshInBackground(): void {
    if (this.pending !== undefined || !this.mayFetch()) return;
    this.fetch().catch((error: unknown) => {
      this.logger.warn(`Refreshing ZITADEL's JWKS failed; the current keys stay in use: ${describeError(error)}`);
    });
  }

  /** One fetch at a time; a failure keeps the previous set and still counts for the cooldown. */
  private fetch(): Promise<LoadedSet> {
    this.pending ??= this.load()
      .then(
        (set) => {
          this.loaded = set;
          this.lastFetchError = undefined;
          this.lastFailureAt = Number.NEGATIVE_INFINITY;
          return set;
        },
        (error: unknown) => {
          this.lastFetchError = error;
          this.lastFailureAt = this.clock.now();
          throw error;
        },
      )
      .finally(() => {
        this.pending = undefined;
      });
    return this.pending;
  }

  private async load(): Promise<LoadedSet> {
    this.lastFetchAt = this.clock.now();
    const url = (await this.discovery.get()).jwks_uri;
    const response = await this.http.send({
      method: 'GET',
      url,
      idempotent: true,
      endpoint: ENDPOINT,
      headers: { accept: 'application/json' },
    });
    if (response.status !== 200) {
      throw new ZitadelUnavailableError(`ZITADEL jwks endpoint answered ${response.status}`, response.status);
    }
    const body = readJsonObject(response, ENDPOINT);
    let keys: LocalJWKSet;
    try {
      keys = createLocalJWKSet(body as { keys: [] });
    } catch {
      throw new ZitadelResponseError('ZITADEL jwks endpoint answered a malformed JSON Web Key Set', response.status);
    }
    this.logger.debug(`Fetched ZITADEL's JWKS (${Array.isArray(body['keys']) ? body['keys'].length : 0} keys)`);
    return { keys, fetchedAt: this.clock.now() };
  }
}
