import { Injectable } from '@nestjs/common';
import type { ResolvedZitadelConfig } from '../config/resolved-config.js';
import { InjectZitadelConfig } from '../config/zitadel-config.token.js';
import { ZitadelConfigurationError, type ConfigurationIssue } from '../errors/configuration.error.js';
import { ZitadelTokenInvalidError } from '../errors/token-invalid.error.js';
import type { IntrospectionResult } from '../introspection/introspection-result.js';
import { IntrospectionService } from '../introspection/introspection.service.js';
import { JwtVerifier } from '../jwt/jwt-verifier.js';
import { ZitadelDiscovery } from '../oidc/zitadel-discovery.service.js';
import { InjectZitadelClock, type ZitadelClock } from '../shared/clock.js';
import { MAX_TOKEN_LENGTH } from './bearer-token.js';
import { LruMap } from '../shared/lru-map.js';
import { tokenHash } from '../shared/token-hash.js';
import { ZitadelUser } from './zitadel-user.js';

interface VerifiedJwt {
  readonly user: ZitadelUser;
  /** Epoch milliseconds after which the entry is not used: the token's `exp` at the latest. */
  readonly until: number;
}

/**
 * Turns an access token into a {@link ZitadelUser}, as configured by `tokenValidation`:
 * `'auto'` verifies JWT-shaped tokens locally and introspects the others, `'jwt'` accepts only
 * JWTs, `'introspection'` introspects every token. Used by {@link ZitadelAuthGuard}; inject it to
 * check tokens elsewhere (WebSocket handshakes, message handlers).
 *
 * Verified JWTs are kept in a bounded in-memory map keyed by a sha256 hash of the token, until
 * their `exp` and at most `jwt.cache.maxTtlSeconds`, so the signature of a token is checked once.
 * Introspection results are cached by {@link IntrospectionService}.
 */
@Injectable()
export class ZitadelTokenValidator {
  /** The `realm` of `WWW-Authenticate` challenges (option `realm`). */
  readonly realm: string;
  private readonly problems: readonly ConfigurationIssue[];
  private readonly projectId: string;
  private readonly verified: LruMap<string, VerifiedJwt> | undefined;
  /** Users built from introspection results, so a cached result yields the same user. */
  private readonly introspected = new WeakMap<IntrospectionResult, ZitadelUser>();
  private readonly clientId: string | undefined;

  constructor(
    @InjectZitadelConfig() private readonly config: ResolvedZitadelConfig,
    private readonly introspection: IntrospectionService,
    private readonly discovery: ZitadelDiscovery,
    private readonly jwt: JwtVerifier,
    @InjectZitadelClock() private readonly clock: ZitadelClock,
  ) {
    this.realm = config.realm;
    this.problems = configurationProblems(config);
    this.projectId = config.projectId ?? '';
    const { maxEntries } = config.jwt.cache;
    this.verified = maxEntries > 0 && config.jwt.cache.maxTtlSeconds > 0 ? new LruMap(maxEntries) : undefined;
    const app = config.apiApplication;
    this.clientId = app === undefined ? undefined : app.kind === 'private-key-jwt' ? app.key.clientId : app.clientId;
  }

  /**
   * Checks that the options allow validating tokens: `projectId`, and `apiApplication` unless
   * `tokenValidation` is `'jwt'`. The guard calls it when it is created, so a missing option
   * fails the bootstrap instead of every request.
   *
   * @throws {ZitadelConfigurationError} listing what is missing.
   */
  assertConfigured(): void {
    if (this.problems.length > 0) throw new ZitadelConfigurationError(this.problems);
  }

  /**
   * The user of a JWT this validator has already verified, synchronously, when the verified-token
   * cache still holds it (not past its `exp`, nor `jwt.cache.maxTtlSeconds` after it was
   * verified); otherwise `undefined`, and the caller goes on with {@link validate}, which decides
   * (verifies, refuses, or fails). Never verifies, never reaches ZITADEL, never throws: a
   * malformed or unknown token, an opaque token, `tokenValidation: 'introspection'`, a disabled
   * cache or missing options all give `undefined`. For hot paths such as the guard's cache hits,
   * which then need no promise.
   */
  validateCached(token: string): ZitadelUser | undefined {
    const cache = this.verified;
    if (cache === undefined || this.problems.length > 0 || this.config.tokenValidation === 'introspection')
      return undefined;
    if (typeof token !== 'string' || token.length > MAX_TOKEN_LENGTH || !isJwtShaped(token)) return undefined;
    const hit = cache.get(tokenHash(token));
    return hit !== undefined && this.clock.now() < hit.until ? hit.user : undefined;
  }

  /**
   * Validates an access token.
   *
   * @throws {ZitadelTokenInvalidError} the token is not accepted (malformed, bad signature,
   *   expired, not yet valid, wrong issuer or audience, inactive).
   * @throws {ZitadelConfigurationError} the options cannot validate tokens (see `assertConfigured`).
   * @throws {ZitadelUnavailableError | ZitadelResponseError | ZitadelOAuthError | ZitadelDiscoveryError}
   *   ZITADEL could not give a trustworthy answer: fail closed.
   */
  async validate(token: string): Promise<ZitadelUser> {
    this.assertConfigured();
    if (typeof token !== 'string' || token === '' || token.length > MAX_TOKEN_LENGTH)
      throw new ZitadelTokenInvalidError('malformed');
    const mode = this.config.tokenValidation;
    if (mode === 'introspection') return this.introspect(token);
    if (isJwtShaped(token)) return this.verifyJwt(token);
    if (mode === 'jwt') throw new ZitadelTokenInvalidError('malformed');
    return this.introspect(token);
  }

  private async verifyJwt(token: string): Promise<ZitadelUser> {
    const cache = this.verified;
    const key = cache === undefined ? '' : tokenHash(token);
    const hit = cache?.get(key);
    if (hit !== undefined) {
      if (this.clock.now() < hit.until) return hit.user;
      cache?.delete(key);
    }
    const user = new ZitadelUser(await this.jwt.verify(token), this.projectId, 'jwt');
    if (cache !== undefined && user.exp !== undefined) {
      const until = Math.min(user.exp * 1000, this.clock.now() + this.config.jwt.cache.maxTtlSeconds * 1000);
      cache.set(key, { user, until });
    }
    return user;
  }

  private async introspect(token: string): Promise<ZitadelUser> {
    const result = await this.introspection.introspect(token);
    if (!result.active) throw new ZitadelTokenInvalidError('inactive');
    const known = this.introspected.get(result);
    if (known !== undefined) return known;
    if (typeof result.sub !== 'string' || result.sub === '') throw new ZitadelTokenInvalidError('invalid');
    if (result.iss !== undefined && result.iss !== (await this.discovery.get()).issuer)
      throw new ZitadelTokenInvalidError('invalid');
    if (result.aud !== undefined && !this.isOwnAudience(result.aud))
      throw new ZitadelTokenInvalidError('wrong-audience');
    const user = new ZitadelUser(result, this.projectId, 'introspection');
    this.introspected.set(result, user);
    return user;
  }

  /** ZITADEL's own rule: the audience holds the project or the introspecting client. */
  private isOwnAudience(aud: string | readonly string[]): boolean {
    const audiences = typeof aud === 'string' ? [aud] : aud;
    return audiences.includes(this.projectId) || (this.clientId !== undefined && audiences.includes(this.clientId));
  }
}

/** Three base64url segments: a JWS compact serialisation. ZITADEL's opaque tokens have no dots. */
function isJwtShaped(token: string): boolean {
  const first = token.indexOf('.');
  if (first <= 0) return false;
  const second = token.indexOf('.', first + 1);
  return second > first + 1 && token.indexOf('.', second + 1) === -1;
}

function configurationProblems(config: ResolvedZitadelConfig): ConfigurationIssue[] {
  const problems: ConfigurationIssue[] = [];
  if (config.projectId === undefined) {
    problems.push({
      path: 'projectId',
      message: "is required to validate access tokens: their audience must contain the API's project",
    });
  }
  if (config.tokenValidation !== 'jwt' && config.apiApplication === undefined) {
    problems.push({
      path: 'apiApplication',
      message:
        `is required to introspect access tokens (tokenValidation: '${config.tokenValidation}'): give the API application's key file ` +
        "or its client id and secret, or set tokenValidation: 'jwt' to accept only JWT access tokens",
    });
  }
  return problems;
}
