import { Injectable, Logger } from '@nestjs/common';
import { InjectZitadelConfig } from '../config/zitadel-config.token.js';
import type { ResolvedServiceUser, ResolvedZitadelConfig } from '../config/resolved-config.js';
import { Secret } from '../config/secret.js';
import { ZitadelAssertionRejectedError } from '../errors/assertion-rejected.error.js';
import { ZitadelConfigurationError } from '../errors/configuration.error.js';
import { ZitadelOAuthError } from '../errors/oauth.error.js';
import { ZitadelResponseError } from '../errors/response.error.js';
import { readJsonObject, readOAuthError } from '../http/json-response.js';
import { ZitadelHttpClient, type ServerErrorHandling, type ZitadelHttpResponse } from '../http/zitadel-http-client.js';
import { signAssertion } from '../keys/assertion.js';
import { basicAuthorization } from '../oidc/client-authentication.js';
import { ZitadelDiscovery } from '../oidc/zitadel-discovery.service.js';
import { InjectZitadelClock, type ZitadelClock } from '../shared/clock.js';
import { describeError } from '../shared/describe-error.js';
import { TokenExchanger, type TokenExchangeRequest, type TokenExchangeResult } from './token-exchange.js';

/** Options of {@link TokenService.getAccessToken}. */
export interface AccessTokenRequest {
  /** Scopes to ask for; `openid` is always added. `ZitadelScopes` builds ZITADEL's reserved ones. @default ['openid'] */
  scopes?: readonly string[];
}

/** Credentials that mint tokens (a personal access token is handed out as is). */
type MintingCredentials = Exclude<ResolvedServiceUser, { kind: 'personal-access-token' }>;

interface CachedToken {
  readonly token: Secret;
  /** After this instant the token is renewed in the background while still handed out. */
  readonly refreshAt: number;
  /** After this instant the token is no longer handed out. */
  readonly usableUntil: number;
}

const ENDPOINT = 'token';
const JWT_BEARER_GRANT = 'urn:ietf:params:oauth:grant-type:jwt-bearer';
/** Used only when ZITADEL omits `expires_in`, which it does not do today. */
const FALLBACK_LIFETIME_SECONDS = 300;

/**
 * Released ZITADEL answers a refused JWT-profile assertion with `500 server_error`
 * ("Errors.Internal", zitadel/zitadel#12692), the same answer as a real fault. It is terminal, not
 * transient, so it is retried once (in case it was a real fault), not `http.retries` times.
 */
const isRefusedAssertion = (response: ZitadelHttpResponse): boolean =>
  response.status === 500 && readOAuthError(response)?.error === 'server_error';
const REFUSED_ASSERTION: ServerErrorHandling = { matches: isRefusedAssertion, retries: 1 };

/**
 * Access tokens for the configured service user, for calls to ZITADEL's APIs or to other APIs.
 *
 * Tokens are kept in memory per scope set, handed out until shortly before they expire and
 * renewed ahead of time in the background; concurrent callers share one request.
 *
 * @example
 * const token = await tokenService.getAccessToken({ scopes: ['openid', ZitadelScopes.zitadelApi()] });
 */
@Injectable()
export class TokenService {
  private readonly logger = new Logger('Zitadel');
  private readonly cache = new Map<string, CachedToken>();
  private readonly inFlight = new Map<string, Promise<CachedToken>>();
  private readonly exchanger: TokenExchanger;

  constructor(
    @InjectZitadelConfig() private readonly config: ResolvedZitadelConfig,
    private readonly http: ZitadelHttpClient,
    private readonly discovery: ZitadelDiscovery,
    @InjectZitadelClock() private readonly clock: ZitadelClock,
  ) {
    this.exchanger = new TokenExchanger(config, http, discovery, clock, this.logger);
  }

  /**
   * Exchanges a token (RFC 8693) for one to call another API on behalf of its user: the caller's
   * access token, or a user id (`subjectTokenType: 'user_id'`) with an actor token
   * (impersonation: the new token's `act` claim names the actor). Authenticated as
   * `apiApplication`, which ZITADEL accepts only for an OIDC application with the Token Exchange
   * grant type; the instance needs the `oidcTokenExchange` feature. Results are cached (keyed by
   * hashes, never by tokens) until shortly before they expire; equal concurrent calls share one request.
   *
   * @example
   * const { token } = await tokenService.exchange({ subjectToken: callerToken, audience: [reportsProjectId] });
   * @throws {ZitadelTokenExchangeError} ZITADEL refused the exchange; `reason` says why and what to fix.
   * @throws {ZitadelConfigurationError} no `apiApplication` is configured.
   * @throws {ZitadelUnavailableError} ZITADEL could not be reached.
   * @throws {ZitadelResponseError} ZITADEL's answer could not be trusted (a field missing or of the wrong type).
   * @throws {TypeError} the request is malformed (the message names the field).
   */
  exchange(request: TokenExchangeRequest): Promise<TokenExchangeResult> {
    return this.exchanger.exchange(request);
  }

  /**
   * An access token for the service user with the given scopes. A personal access token is
   * returned as configured (scopes do not apply to it).
   *
   * @throws {ZitadelConfigurationError} no `serviceUser` is configured.
   * @throws {ZitadelOAuthError} ZITADEL refused the grant (not retried).
   * @throws {ZitadelAssertionRejectedError} ZITADEL answered the JWT-profile grant `500 server_error`
   *   twice: most likely the service-user key is expired, deleted or of another instance.
   * @throws {ZitadelUnavailableError} ZITADEL could not be reached after retries.
   * @throws {ZitadelResponseError} ZITADEL's answer could not be understood.
   * @throws {TypeError} a scope is not a non-empty string without whitespace.
   */
  async getAccessToken(request: AccessTokenRequest = {}): Promise<string> {
    const credentials = this.credentials();
    if (credentials.kind === 'personal-access-token') return credentials.token.reveal();
    const scope = normaliseScopes(request.scopes);
    const cached = this.cache.get(scope);
    const now = this.clock.now();
    if (cached !== undefined && now < cached.usableUntil) {
      if (now >= cached.refreshAt) this.refreshInBackground(scope, credentials);
      return cached.token.reveal();
    }
    return (await this.renew(scope, credentials)).token.reveal();
  }

  /** Forgets cached tokens (all, or those of one scope set), e.g. after ZITADEL rejected one. */
  invalidate(scopes?: readonly string[]): void {
    if (scopes === undefined) this.cache.clear();
    else this.cache.delete(normaliseScopes(scopes));
  }

  private credentials(): ResolvedServiceUser {
    const credentials = this.config.serviceUser;
    if (credentials === undefined) {
      throw new ZitadelConfigurationError([
        {
          path: 'serviceUser',
          message: 'is required to get access tokens: give a key file, client credentials or a personal access token',
        },
      ]);
    }
    return credentials;
  }

  private refreshInBackground(scope: string, credentials: MintingCredentials): void {
    this.renew(scope, credentials).catch((error: unknown) => {
      // The cached token stays valid for a while; the next call tries again.
      this.logger.warn(`Renewing the access token for scopes "${scope}" failed: ${describeError(error)}`);
    });
  }

  /** One request per scope set at a time, whoever asks. */
  private renew(scope: string, credentials: MintingCredentials): Promise<CachedToken> {
    let pending = this.inFlight.get(scope);
    if (pending === undefined) {
      pending = this.mint(scope, credentials)
        .then((entry) => {
          this.cache.set(scope, entry);
          return entry;
        })
        .finally(() => this.inFlight.delete(scope));
      this.inFlight.set(scope, pending);
    }
    return pending;
  }

  private async mint(scope: string, credentials: MintingCredentials): Promise<CachedToken> {
    const discovery = await this.discovery.get();
    const startedAt = this.clock.now();
    const form = new URLSearchParams({ scope });
    const headers: Record<string, string> = {
      'content-type': 'application/x-www-form-urlencoded',
      accept: 'application/json',
    };
    if (credentials.kind === 'jwt-profile') {
      form.set('grant_type', JWT_BEARER_GRANT);
      form.set('assertion', await signAssertion(credentials.key, discovery.issuer, Math.floor(startedAt / 1000)));
    } else {
      form.set('grant_type', 'client_credentials');
      headers['authorization'] = basicAuthorization(credentials.clientId, credentials.clientSecret);
    }
    const response = await this.http.send({
      method: 'POST',
      url: discovery.token_endpoint,
      headers,
      body: form.toString(),
      idempotent: true,
      endpoint: ENDPOINT,
      ...(credentials.kind === 'jwt-profile' ? { serverErrors: REFUSED_ASSERTION } : {}),
    });
    if (credentials.kind === 'jwt-profile' && isRefusedAssertion(response)) {
      throw new ZitadelAssertionRejectedError(credentials.key.keyId, credentials.key.userId, response.status);
    }
    if (response.status !== 200) {
      const oauth = readOAuthError(response);
      if (oauth !== undefined)
        throw new ZitadelOAuthError(oauth.error, oauth.error_description, response.status, ENDPOINT);
      throw new ZitadelResponseError(
        `ZITADEL token endpoint answered ${response.status} without an OAuth error body`,
        response.status,
      );
    }
    const body = readJsonObject(response, ENDPOINT);
    const { access_token: accessToken, token_type: tokenType, expires_in: expiresIn } = body;
    if (typeof accessToken !== 'string' || accessToken === '') {
      throw new ZitadelResponseError('ZITADEL token response has no access_token', response.status);
    }
    if (typeof tokenType !== 'string' || tokenType.toLowerCase() !== 'bearer') {
      throw new ZitadelResponseError('ZITADEL token response is not a Bearer token', response.status);
    }
    if (expiresIn !== undefined && (typeof expiresIn !== 'number' || !Number.isFinite(expiresIn) || expiresIn <= 0)) {
      throw new ZitadelResponseError('ZITADEL token response has an invalid expires_in', response.status);
    }
    const lifetimeMs = (expiresIn ?? FALLBACK_LIFETIME_SECONDS) * 1000;
    const margin = Math.min(this.config.tokenCache.minRemainingSeconds * 1000, lifetimeMs / 2);
    const usableUntil = startedAt + lifetimeMs - margin;
    this.logger.debug(`Got an access token for scopes "${scope}", valid ${Math.round(lifetimeMs / 1000)} s`);
    return {
      token: new Secret(accessToken),
      refreshAt: Math.min(startedAt + lifetimeMs * this.config.tokenCache.refreshAfterFraction, usableUntil),
      usableUntil,
    };
  }
}

/**
 * Sorted, de-duplicated, space-separated, `openid` always included (ZITADEL expects it): one
 * cache entry per set, whatever the order.
 */
function normaliseScopes(scopes: readonly string[] = []): string {
  if (!Array.isArray(scopes)) throw new TypeError('"scopes" must be an array of strings');
  for (const scope of scopes) {
    if (typeof scope !== 'string' || scope === '' || /\s/.test(scope)) {
      throw new TypeError('"scopes" must be non-empty strings without whitespace');
    }
  }
  return [...new Set(['openid', ...scopes])].sort().join(' ');
}
