import { Injectable } from '@nestjs/common';
import type { ZitadelKeyvStore } from '../config/zitadel-options.interface.js';
import { compactDecrypt, compactVerify, errors } from 'jose';
import type { ResolvedZitadelConfig } from '../config/resolved-config.js';
import { InjectZitadelConfig } from '../config/zitadel-config.token.js';
import type { ZitadelActionCallRequest, ZitadelSigningKeys } from '../config/zitadel-options.interface.js';
import { ZitadelConfigurationError } from '../errors/configuration.error.js';
import { ZitadelSignatureError } from '../errors/signature.error.js';
import { JwksCache } from '../jwt/jwks-cache.js';
import { InjectZitadelClock, type ZitadelClock } from '../shared/clock.js';
import { keyvReplayGuard, memoryReplayGuard, type ReplayGuard } from './replay-guard.js';
import { verifyZitadelSignature, ZITADEL_SIGNATURE_HEADER, type VerifiedZitadelSignature } from './verify-signature.js';
import type { ZitadelActionOptions } from './zitadel-action.options.js';

/** What the verifier reads of an incoming request: Express and Fastify requests both fit. */
export interface ActionHttpRequest {
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  /** The body's bytes, kept by Nest when the app is created with `rawBody: true`. */
  readonly rawBody?: unknown;
  readonly url?: string;
  readonly originalUrl?: string;
}

/** A verified call from ZITADEL: its payload (parsed JSON) and its signature. */
export interface VerifiedZitadelCall {
  /** The payload: the parsed JSON body, or the verified (and decrypted) JWT's claims. */
  readonly payload: unknown;
  readonly signature: VerifiedZitadelSignature;
}

// The instance's web keys: RSA, ECDSA or Ed25519 (ZITADEL's `web_key` service).
const JWT_ALGORITHMS = ['RS256', 'RS384', 'RS512', 'PS256', 'ES256', 'ES384', 'ES512', 'EdDSA'];
// What ZITADEL's payloadJWE encrypts with (internal/execution): A256GCM content, RSA or EC key wrapping.
const JWE_KEY_ALGORITHMS = ['RSA-OAEP-256', 'ECDH-ES+A256KW'];
const JWE_CONTENT_ALGORITHMS = ['A256GCM'];

const RAW_BODY_MISSING = new ZitadelConfigurationError([
  {
    path: 'rawBody',
    message:
      '@ZitadelAction() routes check the signature over the raw request body: create the app with ' +
      'NestFactory.create(AppModule, { rawBody: true }) (Express or Fastify), or call ' +
      "useZitadelActionBodyParser(app, { paths: ['/your-action-prefix'] }) before app.listen()",
  },
]);

/**
 * Checks ZITADEL's signed Actions v2 calls for `@ZitadelAction()` routes: the `ZITADEL-Signature`
 * over the raw body (the route's keys, else the module's `actions.signingKeys`), the tolerance
 * against the module's clock, the optional replay guard, and for `jwt`/`jwe` targets the body's
 * own signature (the instance's JWKS) and encryption (`actions.decryptionKey`). A provider of
 * `ZitadelModule`, used by `ZitadelActionGuard`. Internal, not an override point: outside a guard,
 * `verifyZitadelSignature()` is the public check.
 */
@Injectable()
export class ZitadelActionVerifier {
  private moduleReplayGuard: ReplayGuard | undefined;
  private readonly routeReplayGuards = new WeakMap<object, ReplayGuard>();

  constructor(
    @InjectZitadelConfig() private readonly config: ResolvedZitadelConfig,
    @InjectZitadelClock() private readonly clock: ZitadelClock,
    private readonly jwks: JwksCache,
  ) {}

  /**
   * @throws {ZitadelSignatureError} the call is not a valid, fresh call from ZITADEL (answer 401).
   * @throws {ZitadelConfigurationError} no signing keys are configured, or the raw body is not kept.
   * @throws {ZitadelUnavailableError} the JWKS could not be fetched (`jwt`/`jwe` payloads; answer 503).
   */
  async verify(request: ActionHttpRequest, options: ZitadelActionOptions = {}): Promise<VerifiedZitadelCall> {
    const header = request.headers[ZITADEL_SIGNATURE_HEADER];
    // No header is a refusal before anything else: an unsigned call learns nothing of the set-up.
    if (header === undefined || header === '') throw new ZitadelSignatureError('missing');
    const rawBody = rawBodyOf(request);
    const keys = await this.signingKeys(options.signingKeys ?? this.config.actions.signingKeys, request);
    const toleranceSeconds = options.toleranceSeconds ?? this.config.actions.toleranceSeconds;
    const signature = verifyZitadelSignature(rawBody, header, keys, {
      toleranceSeconds,
      now: this.clock.now(),
    });
    const guard = this.replayGuardFor(options);
    if (guard !== undefined) {
      const headerText = Array.isArray(header) ? header.join(',') : String(header);
      if (!(await guard.firstUse(headerText, signature.timestamp, toleranceSeconds))) {
        throw new ZitadelSignatureError('stale', 'header', true);
      }
    }
    const text = rawBody.toString('utf8');
    const payloadType = options.payloadType ?? 'json';
    const payload = payloadType === 'json' ? parseJson(text) : await this.openJwt(text, payloadType === 'jwe');
    return { payload, signature };
  }

  private async signingKeys(
    source: ZitadelSigningKeys | undefined,
    request: ActionHttpRequest,
  ): Promise<string | readonly string[]> {
    if (source === undefined) {
      throw new ZitadelConfigurationError([
        {
          path: 'actions.signingKeys',
          message:
            "is needed by @ZitadelAction() routes: the target's signing key from CreateTarget (or give the route its own signingKeys)",
        },
      ]);
    }
    if (typeof source !== 'function') return source;
    const view: ZitadelActionCallRequest = { headers: request.headers, url: request.originalUrl ?? request.url };
    const keys: unknown = await source(view);
    const list: unknown = typeof keys === 'string' ? [keys] : keys;
    if (!Array.isArray(list) || !list.every((key) => typeof key === 'string' && key !== '')) {
      throw new ZitadelConfigurationError([
        {
          path: 'actions.signingKeys',
          message:
            'a signing-key resolver must return non-empty keys (a string or an array), or [] for a request ' +
            'of no target it serves (is the environment variable set?)',
        },
      ]);
    }
    // A resolver that knows no key for this request: not a call of any target it serves.
    if (list.length === 0) throw new ZitadelSignatureError('mismatch');
    return list as readonly string[];
  }

  private replayGuardFor(options: ZitadelActionOptions): ReplayGuard | undefined {
    const setting = options.replayGuard;
    if (setting === false) return undefined;
    if (setting === undefined || setting === true) {
      const configured = this.config.actions.replayGuard;
      if (configured === undefined && setting === undefined) return undefined;
      this.moduleReplayGuard ??= this.createReplayGuard(configured?.store, configured?.maxEntries ?? 10_000);
      return this.moduleReplayGuard;
    }
    let guard = this.routeReplayGuards.get(setting);
    if (guard === undefined) {
      guard = this.createReplayGuard(setting.store, setting.maxEntries ?? 10_000);
      this.routeReplayGuards.set(setting, guard);
    }
    return guard;
  }

  private createReplayGuard(store: ZitadelKeyvStore | undefined, maxEntries: number): ReplayGuard {
    return store === undefined ? memoryReplayGuard(maxEntries, this.clock) : keyvReplayGuard(store, this.clock);
  }

  /** A `jwt` body: a JWS signed with the instance's web keys; `jwe`: that JWS encrypted to this target's key. */
  private async openJwt(text: string, encrypted: boolean): Promise<unknown> {
    let jws = text;
    if (encrypted) {
      const key = this.config.actions.decryptionKey;
      if (key === undefined) {
        throw new ZitadelConfigurationError([
          {
            path: 'actions.decryptionKey',
            message: 'is needed by @ZitadelAction({ payloadType: "jwe" }) routes: the private key of the target',
          },
        ]);
      }
      try {
        const { plaintext } = await compactDecrypt(text, key, {
          keyManagementAlgorithms: JWE_KEY_ALGORITHMS,
          contentEncryptionAlgorithms: JWE_CONTENT_ALGORITHMS,
        });
        jws = new TextDecoder().decode(plaintext);
      } catch (error) {
        throw payloadError(error);
      }
    }
    try {
      const { payload } = await compactVerify(jws, this.jwks.getKey, { algorithms: JWT_ALGORITHMS });
      return parseJson(new TextDecoder().decode(payload));
    } catch (error) {
      throw payloadError(error);
    }
  }
}

/** The body's bytes as Nest kept them; a body without them is a set-up mistake, named with its fix. */
function rawBodyOf(request: ActionHttpRequest): Buffer {
  const raw = request.rawBody;
  if (Buffer.isBuffer(raw)) return raw;
  if (raw instanceof Uint8Array) return Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength);
  if (typeof raw === 'string') return Buffer.from(raw, 'utf8');
  const length = request.headers['content-length'];
  const hasBody = request.headers['transfer-encoding'] !== undefined || (length !== undefined && length !== '0');
  // Nothing to verify against: an empty body is verified as empty (and fails unless signed so).
  if (!hasBody) return Buffer.alloc(0);
  const type = String(request.headers['content-type'] ?? '');
  // Nest keeps the raw body of the bodies it parses (JSON, forms); ZITADEL always sends JSON.
  if (/^application\/(?:[\w.+-]+\+)?json\b|^application\/x-www-form-urlencoded\b/i.test(type)) {
    throw RAW_BODY_MISSING;
  }
  throw new ZitadelSignatureError('mismatch');
}

/** A signed body that is not JSON (ZITADEL always sends JSON): refused, never handed on. */
function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new ZitadelSignatureError('malformed', 'payload');
  }
}

/** jose's failures of a JWT/JWE body, as refusals; anything else (the JWKS unreachable) passes unchanged. */
function payloadError(error: unknown): unknown {
  if (error instanceof ZitadelSignatureError) return error;
  if (!(error instanceof errors.JOSEError)) return error;
  if (error instanceof errors.JWSInvalid || error instanceof errors.JWEInvalid) {
    return new ZitadelSignatureError('malformed', 'payload');
  }
  return new ZitadelSignatureError('mismatch', 'payload');
}
