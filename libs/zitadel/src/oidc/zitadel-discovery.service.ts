import { Injectable } from '@nestjs/common';
import { InjectZitadelConfig } from '../config/zitadel-config.token.js';
import type { ResolvedZitadelConfig } from '../config/resolved-config.js';
import { ZitadelDiscoveryError } from '../errors/discovery.error.js';
import { ZitadelUnavailableError } from '../errors/unavailable.error.js';
import { readJsonObject } from '../http/json-response.js';
import { ZitadelHttpClient } from '../http/zitadel-http-client.js';
import { InjectZitadelClock, type ZitadelClock } from '../shared/clock.js';
import type { DiscoveryDocument } from './discovery-document.js';
import { remoteText } from '../shared/remote-text.js';
import { endpointOriginProblem } from './endpoint-origin.js';

const ENDPOINT = 'discovery';

/** A failed load, remembered for `http.failureCooldownMs`. */
interface Failure {
  readonly error: unknown;
  readonly until: number;
}

/**
 * Reads `{issuer}/.well-known/openid-configuration` once, lazily, and keeps it. Concurrent first
 * callers share one request. A failure is remembered for `http.failureCooldownMs`: meanwhile every
 * caller gets the same error without a new request (an outage is not amplified by every incoming
 * request), and the first call after it tries again.
 */
@Injectable()
export class ZitadelDiscovery {
  private document: Promise<DiscoveryDocument> | undefined;
  private failure: Failure | undefined;

  constructor(
    @InjectZitadelConfig() private readonly config: ResolvedZitadelConfig,
    private readonly http: ZitadelHttpClient,
    @InjectZitadelClock() private readonly clock: ZitadelClock,
  ) {}

  /**
   * @throws {ZitadelUnavailableError} ZITADEL cannot be reached.
   * @throws {ZitadelDiscoveryError} the document is unusable, names another issuer or an endpoint
   *   on an origin not allowed.
   * @throws {ZitadelResponseError} the answer is not a JSON object or too large.
   */
  get(): Promise<DiscoveryDocument> {
    if (this.document !== undefined) return this.document;
    if (this.failure !== undefined && this.clock.now() < this.failure.until) return Promise.reject(this.failure.error);
    this.failure = undefined;
    this.document = this.fetch().catch((error: unknown) => {
      this.document = undefined;
      this.failure = { error, until: this.clock.now() + this.config.http.failureCooldownMs };
      throw error;
    });
    return this.document;
  }

  private async fetch(): Promise<DiscoveryDocument> {
    const url = `${this.config.issuer}/.well-known/openid-configuration`;
    const response = await this.http.send({
      method: 'GET',
      url,
      idempotent: true,
      endpoint: ENDPOINT,
      headers: { accept: 'application/json' },
    });
    if (response.status !== 200) {
      // A 404 or 401 here means a wrong issuer URL, not an outage; still fail closed.
      throw new ZitadelUnavailableError(
        `ZITADEL discovery at ${url} answered ${response.status}; check the issuer URL`,
        response.status,
      );
    }
    const raw = readJsonObject(response, ENDPOINT);
    return parseDiscoveryDocument(raw, this.config.issuer, this.config.discovery.trustedOrigins);
  }
}

/**
 * Checks a discovery document: the issuer must be the configured one (OpenID Connect Discovery
 * §4.3; a trailing slash is the only difference tolerated), and every endpoint the library uses an
 * absolute URL on an allowed origin (see {@link endpointOriginProblem}).
 *
 * @param trustedOrigins `discovery.trustedOrigins`: origins besides the issuer's endpoints may be on.
 */
export function parseDiscoveryDocument(
  raw: Record<string, unknown>,
  expectedIssuer: string,
  trustedOrigins: readonly string[],
): DiscoveryDocument {
  const issuer = raw['issuer'];
  if (typeof issuer !== 'string' || issuer.replace(/\/+$/, '') !== expectedIssuer) {
    throw new ZitadelDiscoveryError(
      `The discovery document names issuer ${remoteText(typeof issuer === 'string' ? `"${issuer}"` : String(JSON.stringify(issuer)))}, ` +
        `but the configured issuer is "${expectedIssuer}". Configure the issuer exactly as ZITADEL reports it.`,
    );
  }
  const endpoints = new EndpointReader(raw, new URL(expectedIssuer), trustedOrigins);
  return {
    issuer,
    token_endpoint: endpoints.required('token_endpoint'),
    jwks_uri: endpoints.required('jwks_uri'),
    introspection_endpoint: endpoints.optional('introspection_endpoint'),
    revocation_endpoint: endpoints.optional('revocation_endpoint'),
    userinfo_endpoint: endpoints.optional('userinfo_endpoint'),
    raw,
  };
}

/** Reads the endpoint fields of one document, each checked for form and origin. */
class EndpointReader {
  constructor(
    private readonly raw: Record<string, unknown>,
    private readonly issuer: URL,
    private readonly trustedOrigins: readonly string[],
  ) {}

  required(field: string): string {
    const value = this.optional(field);
    if (value === undefined) throw new ZitadelDiscoveryError(`The discovery document's "${field}" is missing`);
    return value;
  }

  optional(field: string): string | undefined {
    const value = this.raw[field];
    if (value === undefined) return undefined;
    const url = typeof value === 'string' && URL.canParse(value) ? new URL(value) : undefined;
    if (typeof value !== 'string' || url === undefined || !/^https?:$/.test(url.protocol)) {
      throw new ZitadelDiscoveryError(`The discovery document's "${field}" is not an http(s) URL`);
    }
    const problem = endpointOriginProblem(url, this.issuer, this.trustedOrigins);
    if (problem !== undefined) throw new ZitadelDiscoveryError(`The discovery document's "${field}" ${problem}`);
    return value;
  }
}
