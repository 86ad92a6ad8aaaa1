import type { Logger } from '@nestjs/common';
import type { ResolvedZitadelConfig } from '../config/resolved-config.js';
import { Secret } from '../config/secret.js';
import { ZitadelConfigurationError } from '../errors/configuration.error.js';
import { ZitadelResponseError } from '../errors/response.error.js';
import { tokenExchangeRefusal, ZitadelTokenExchangeError } from '../errors/token-exchange.error.js';
import { readJsonObject, readOAuthError } from '../http/json-response.js';
import type { ZitadelHttpClient } from '../http/zitadel-http-client.js';
import { authenticateClient, type ClientAuthentication } from '../oidc/client-authentication.js';
import type { ZitadelDiscovery } from '../oidc/zitadel-discovery.service.js';
import type { ZitadelClock } from '../shared/clock.js';
import { LruMap } from '../shared/lru-map.js';
import { tokenHash } from '../shared/token-hash.js';

/**
 * Token types of RFC 8693 §3 by short name, plus ZITADEL's `user_id` (the subject is a user id,
 * for impersonation with an actor token).
 */
export const TOKEN_TYPES = {
  access_token: 'urn:ietf:params:oauth:token-type:access_token',
  id_token: 'urn:ietf:params:oauth:token-type:id_token',
  jwt: 'urn:ietf:params:oauth:token-type:jwt',
  user_id: 'urn:zitadel:params:oauth:token-type:user_id',
} as const;

/** A subject token's type: `access_token` (the caller's token), `id_token`, `jwt`, or ZITADEL's `user_id`. */
export type SubjectTokenType = keyof typeof TOKEN_TYPES;
/** What ZITADEL accepts as actor token (refresh tokens it refuses). */
export type ActorTokenType = 'access_token' | 'id_token';
/** What to get back: an opaque access token (ZITADEL's default), a JWT access token, or an ID token. */
export type RequestedTokenType = 'access_token' | 'jwt' | 'id_token';

/** Options of {@link TokenService.exchange}. */
export interface TokenExchangeRequest {
  /** The token to exchange (e.g. the caller's access token), or a user id with `subjectTokenType: 'user_id'`. */
  readonly subjectToken: string;
  /** @default 'access_token' */
  readonly subjectTokenType?: SubjectTokenType;
  /**
   * Who acts for the subject (impersonation, RFC 8693 §4.1): e.g. the service user's own token
   * from `getAccessToken()`. Required by ZITADEL for a `user_id` or `jwt` subject. The issued
   * token names the actor in its `act` claim.
   */
  readonly actorToken?: string;
  /** @default 'access_token' (when `actorToken` is given) */
  readonly actorTokenType?: ActorTokenType;
  /** Scopes of the new token; each must be on the subject or actor token. @default the subject's (else the actor's) */
  readonly scopes?: readonly string[];
  /** Audience of the new token; each must be in the subject's or actor's audience. @default the subject's (else the actor's) */
  readonly audience?: readonly string[];
  /** @default 'access_token' (opaque) */
  readonly requestedTokenType?: RequestedTokenType;
}

/** What {@link TokenService.exchange} returns. */
export interface TokenExchangeResult {
  /** The new token (an ID token when `requestedTokenType` was `id_token`). */
  readonly token: string;
  /** The token type ZITADEL issued, checked against the one asked for (RFC 8693 `issued_token_type`). */
  readonly issuedTokenType: RequestedTokenType;
  /** The scopes granted (ZITADEL's `scope`), possibly fewer than asked. */
  readonly scopes: readonly string[];
  /** When the token stops being handed out from the cache, epoch milliseconds on the module's clock. */
  readonly expiresAt: number;
}

interface CachedExchange {
  readonly token: Secret;
  readonly issuedTokenType: RequestedTokenType;
  readonly scopes: readonly string[];
  readonly usableUntil: number;
}

const ENDPOINT = 'token';
const GRANT_TYPE = 'urn:ietf:params:oauth:grant-type:token-exchange';
const ISSUED_TYPES = new Map<string, RequestedTokenType>([
  [TOKEN_TYPES.access_token, 'access_token'],
  [TOKEN_TYPES.jwt, 'jwt'],
  [TOKEN_TYPES.id_token, 'id_token'],
]);
/** Exchanged tokens kept at most; the least recently used go first. */
const MAX_CACHED = 1000;

/**
 * RFC 8693 token exchange at ZITADEL's token endpoint, authenticated as the configured
 * `apiApplication` (ZITADEL accepts only an OIDC application with the Token Exchange grant type).
 * Results are cached per subject, actor, scopes, audience and types (tokens only as hashes in the
 * key), until shortly before they expire on the module's clock; concurrent equal requests share
 * one call.
 */
export class TokenExchanger {
  private readonly cache = new LruMap<string, CachedExchange>(MAX_CACHED);
  private readonly inFlight = new Map<string, Promise<CachedExchange>>();

  constructor(
    private readonly config: ResolvedZitadelConfig,
    private readonly http: ZitadelHttpClient,
    private readonly discovery: ZitadelDiscovery,
    private readonly clock: ZitadelClock,
    private readonly logger: Logger,
  ) {}

  async exchange(request: TokenExchangeRequest): Promise<TokenExchangeResult> {
    const form = exchangeForm(request);
    const key = cacheKey(form);
    const cached = this.cache.get(key);
    if (cached !== undefined && this.clock.now() < cached.usableUntil) return toResult(cached);
    let pending = this.inFlight.get(key);
    if (pending === undefined) {
      pending = this.request(form)
        .then((entry) => {
          this.cache.set(key, entry);
          return entry;
        })
        .finally(() => this.inFlight.delete(key));
      this.inFlight.set(key, pending);
    }
    return toResult(await pending);
  }

  /** Forgets every cached exchange. */
  clear(): void {
    this.cache.clear();
  }

  private async request(fields: ExchangeForm): Promise<CachedExchange> {
    const client = this.clientAuthentication();
    const discovery = await this.discovery.get();
    const startedAt = this.clock.now();
    const auth = await authenticateClient(client, discovery.issuer, startedAt);
    const form = new URLSearchParams({ grant_type: GRANT_TYPE, ...auth.form });
    for (const [name, value] of fields.pairs) form.append(name, value);
    const response = await this.http.send({
      method: 'POST',
      url: discovery.token_endpoint,
      headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json', ...auth.headers },
      body: form.toString(),
      // Each exchange creates a session at ZITADEL: a lost answer is retried only for network failures before sending.
      idempotent: false,
      endpoint: ENDPOINT,
    });
    if (response.status !== 200) {
      const oauth = readOAuthError(response);
      if (oauth !== undefined && response.status < 500) {
        throw new ZitadelTokenExchangeError(
          tokenExchangeRefusal(oauth.error, oauth.error_description),
          oauth.error,
          oauth.error_description,
          response.status,
        );
      }
      throw new ZitadelResponseError(
        `ZITADEL token endpoint answered the token exchange ${response.status}`,
        response.status,
      );
    }
    const entry = this.parse(readJsonObject(response, ENDPOINT), fields.requested, startedAt, response.status);
    this.logger.debug(
      `Exchanged a ${fields.subjectType} token for a ${entry.issuedTokenType} (scopes "${entry.scopes.join(' ')}")`,
    );
    return entry;
  }

  /** Every field of the answer checked (RFC 8693 §2.2.1) before the token is used. */
  private parse(
    body: Record<string, unknown>,
    requested: RequestedTokenType,
    startedAt: number,
    status: number,
  ): CachedExchange {
    const invalid = (what: string): ZitadelResponseError =>
      new ZitadelResponseError(`ZITADEL token exchange response ${what}`, status);
    const { access_token: token, issued_token_type: issued, token_type: type, expires_in: expiresIn, scope } = body;
    if (typeof token !== 'string' || token === '') throw invalid('has no access_token');
    const issuedType = typeof issued === 'string' ? ISSUED_TYPES.get(issued) : undefined;
    if (issuedType === undefined) throw invalid('has no known issued_token_type');
    if (issuedType !== requested) throw invalid(`issued a ${issuedType} token where a ${requested} was asked for`);
    const expectedType = issuedType === 'id_token' ? 'n_a' : 'bearer';
    if (typeof type !== 'string' || type.toLowerCase() !== expectedType)
      throw invalid(`has token_type other than ${expectedType === 'n_a' ? 'N_A' : 'Bearer'}`);
    if (typeof expiresIn !== 'number' || !Number.isFinite(expiresIn) || expiresIn <= 0)
      throw invalid('has no valid expires_in');
    if (scope !== undefined && typeof scope !== 'string') throw invalid('has a scope that is not a string');
    const lifetimeMs = expiresIn * 1000;
    const margin = Math.min(this.config.tokenCache.minRemainingSeconds * 1000, lifetimeMs / 2);
    return {
      token: new Secret(token),
      issuedTokenType: issuedType,
      scopes: Object.freeze((scope ?? '').split(' ').filter((s) => s !== '')),
      usableUntil: startedAt + lifetimeMs - margin,
    };
  }

  private clientAuthentication(): ClientAuthentication {
    const app = this.config.apiApplication;
    if (app === undefined) {
      throw new ZitadelConfigurationError([
        {
          path: 'apiApplication',
          message:
            'is required to exchange tokens: give the key file or client id and secret of an OIDC application whose grant types include Token Exchange',
        },
      ]);
    }
    return app.kind === 'private-key-jwt'
      ? { method: 'private_key_jwt', key: app.key }
      : { method: 'client_secret_basic', clientId: app.clientId, clientSecret: app.clientSecret };
  }
}

/** The request as form fields (in a fixed order), validated. */
interface ExchangeForm {
  readonly pairs: readonly (readonly [string, string])[];
  readonly requested: RequestedTokenType;
  readonly subjectType: SubjectTokenType;
}

function exchangeForm(request: TokenExchangeRequest): ExchangeForm {
  if (typeof request !== 'object' || request === null)
    throw new TypeError('the token exchange request must be an object');
  const { subjectToken, actorToken } = request;
  if (typeof subjectToken !== 'string' || subjectToken === '' || /\s/.test(subjectToken))
    throw new TypeError('"subjectToken" must be a non-empty string without whitespace');
  const subjectType = oneOf(request.subjectTokenType, 'access_token', Object.keys(TOKEN_TYPES), 'subjectTokenType');
  const pairs: [string, string][] = [
    ['subject_token', subjectToken],
    ['subject_token_type', TOKEN_TYPES[subjectType as SubjectTokenType]],
  ];
  if (actorToken !== undefined) {
    if (typeof actorToken !== 'string' || actorToken === '' || /\s/.test(actorToken))
      throw new TypeError('"actorToken" must be a non-empty string without whitespace');
    const actorType = oneOf(request.actorTokenType, 'access_token', ['access_token', 'id_token'], 'actorTokenType');
    pairs.push(['actor_token', actorToken], ['actor_token_type', TOKEN_TYPES[actorType as ActorTokenType]]);
  } else if (request.actorTokenType !== undefined) {
    throw new TypeError('"actorTokenType" needs an "actorToken"');
  }
  const scopes = normalisedList(request.scopes, 'scopes');
  if (scopes.length > 0) pairs.push(['scope', scopes.join(' ')]);
  for (const audience of normalisedList(request.audience, 'audience')) pairs.push(['audience', audience]);
  const requested = oneOf(request.requestedTokenType, 'access_token', [...ISSUED_TYPES.values()], 'requestedTokenType');
  pairs.push(['requested_token_type', TOKEN_TYPES[requested as RequestedTokenType]]);
  return { pairs, requested: requested as RequestedTokenType, subjectType: subjectType as SubjectTokenType };
}

function oneOf(value: unknown, fallback: string, allowed: readonly string[], name: string): string {
  if (value === undefined) return fallback;
  if (typeof value !== 'string' || !allowed.includes(value))
    throw new TypeError(`"${name}" must be one of ${allowed.map((a) => `'${a}'`).join(', ')}`);
  return value;
}

/** Sorted and de-duplicated, so equal requests share one cache entry. */
function normalisedList(values: readonly string[] | undefined, name: string): string[] {
  if (values === undefined) return [];
  if (!Array.isArray(values)) throw new TypeError(`"${name}" must be an array of strings`);
  for (const value of values) {
    if (typeof value !== 'string' || value === '' || /\s/.test(value))
      throw new TypeError(`"${name}" must be non-empty strings without whitespace`);
  }
  return [...new Set(values)].sort();
}

/** The form with each token replaced by its hash: never a raw token in a key. */
function cacheKey(form: ExchangeForm): string {
  return JSON.stringify(
    form.pairs.map(([name, value]) =>
      name === 'subject_token' || name === 'actor_token' ? [name, tokenHash(value)] : [name, value],
    ),
  );
}

function toResult(entry: CachedExchange): TokenExchangeResult {
  return {
    token: entry.token.reveal(),
    issuedTokenType: entry.issuedTokenType,
    scopes: entry.scopes,
    expiresAt: entry.usableUntil,
  };
}
