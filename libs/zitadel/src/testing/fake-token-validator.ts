import type { ZitadelTokenValidator } from '../auth/token-validator.js';
import type { ZitadelUser } from '../auth/zitadel-user.js';
import { ZitadelTokenInvalidError } from '../errors/token-invalid.error.js';

/** What a test token stands for: a user, or an error `validate` rejects with (e.g. a `ZitadelUnavailableError`: 503). */
export type FakeTokenOutcome = ZitadelUser | Error;

/** Options of {@link FakeTokenValidator}. */
export interface FakeTokenValidatorOptions {
  /** The `realm` of the guard's `WWW-Authenticate` challenges. @default 'api' (the module's default) */
  readonly realm?: string;
}

/**
 * A stand-in for {@link ZitadelTokenValidator} in unit tests: test tokens map to users (see
 * `createTestUser`), every other token is refused as the real validator refuses a bad one
 * (`ZitadelTokenInvalidError`, which the guard answers 401). No ZITADEL, no keys, no network.
 *
 * Replace the validator, not the guard: `overrideGuard` has no effect on a guard registered as
 * `APP_GUARD`, whereas with `overrideProvider(ZitadelTokenValidator).useValue(fake)` the real
 * `ZitadelAuthGuard` stays in place, so `@Roles`, `@Public` and `@CurrentUser` run as in
 * production.
 *
 * @example
 * const moduleRef = await Test.createTestingModule({ imports: [AppModule] })
 *   .overrideProvider(ZitadelTokenValidator)
 *   .useValue(new FakeTokenValidator({ 'admin-token': createTestUser({ sub: 'alice', roles: { admin: ['org-1'] } }) }))
 *   .compile();
 */
export class FakeTokenValidator implements Pick<ZitadelTokenValidator, keyof ZitadelTokenValidator> {
  readonly realm: string;
  private readonly tokens = new Map<string, FakeTokenOutcome>();

  /** @param tokens test token → the user it stands for, or the error validating it fails with. */
  constructor(
    tokens: Readonly<Record<string, FakeTokenOutcome>> | ReadonlyMap<string, FakeTokenOutcome> = {},
    options: FakeTokenValidatorOptions = {},
  ) {
    this.realm = options.realm ?? 'api';
    const entries = tokens instanceof Map ? [...tokens.entries()] : Object.entries(tokens);
    for (const [token, outcome] of entries) this.set(token, outcome);
  }

  /**
   * Makes `token` stand for a user (or fail with an error) from now on.
   *
   * @throws {TypeError} the token is empty or contains characters an `Authorization` header cannot carry.
   */
  set(token: string, outcome: FakeTokenOutcome): this {
    // RFC 6750 b64token: what the guard can extract from `Authorization: Bearer <token>`.
    if (typeof token !== 'string' || !/^[A-Za-z0-9\-._~+/]+=*$/.test(token))
      throw new TypeError(
        'FakeTokenValidator: a test token must be a non-empty RFC 6750 b64token (letters, digits, -._~+/)',
      );
    this.tokens.set(token, outcome);
    return this;
  }

  /** Stops accepting `token`: it is refused (401) from now on, as a revoked or expired token. */
  delete(token: string): boolean {
    return this.tokens.delete(token);
  }

  /** Always configured: the guard's bootstrap check passes. */
  assertConfigured(): void {}

  /** The user of a known test token, synchronously, as the real validator answers a cached JWT. */
  validateCached(token: string): ZitadelUser | undefined {
    const outcome = this.tokens.get(token);
    return outcome instanceof Error ? undefined : outcome;
  }

  /**
   * The user of a test token.
   *
   * @throws {ZitadelTokenInvalidError} an unknown token (the guard answers 401).
   * @throws {Error} the error the token was set to fail with.
   */
  validate(token: string): Promise<ZitadelUser> {
    const outcome = this.tokens.get(token);
    if (outcome === undefined)
      return Promise.reject(
        new ZitadelTokenInvalidError(typeof token === 'string' && token !== '' ? 'invalid' : 'malformed'),
      );
    return outcome instanceof Error ? Promise.reject(outcome) : Promise.resolve(outcome);
  }
}
