import { Injectable } from '@nestjs/common';
import { InjectZitadelConfig } from '../config/zitadel-config.token.js';
import type { ResolvedZitadelConfig } from '../config/resolved-config.js';
import { ZitadelDiscoveryError } from '../errors/discovery.error.js';
import { ZitadelUnavailableError } from '../errors/unavailable.error.js';
import { readJsonObject } from '../http/json-response.js';
import { ZitadelHttpClient } from '../http/zitadel-http-client.js';
import type { DiscoveryDocument } from './discovery-document.js';
import { remoteText } from '../shared/remote-text.js';

const ENDPOINT = 'discovery';

/**
 * Reads `{issuer}/.well-known/openid-configuration` once, lazily, and keeps it. Concurrent first
 * callers share one request; a failure is not kept, so the next call tries again.
 */
@Injectable()
export class ZitadelDiscovery {
  private document: Promise<DiscoveryDocument> | undefined;

  constructor(
    @InjectZitadelConfig() private readonly config: ResolvedZitadelConfig,
    private readonly http: ZitadelHttpClient,
  ) {}

  /**
   * @throws {ZitadelUnavailableError} ZITADEL cannot be reached.
   * @throws {ZitadelDiscoveryError} the document is unusable or names another issuer.
   */
  get(): Promise<DiscoveryDocument> {
    this.document ??= this.fetch().catch((error: unknown) => {
      this.document = undefined;
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
    return parseDiscoveryDocument(raw, this.config.issuer);
  }
}

/**
 * Checks a discovery document: the issuer must be the configured one (OpenID Connect Discovery
 * §4.3; a trailing slash is the only difference tolerated) and the endpoints absolute URLs.
 */
export function parseDiscoveryDocument(raw: Record<string, unknown>, expectedIssuer: string): DiscoveryDocument {
  const issuer = raw['issuer'];
  if (typeof issuer !== 'string' || issuer.replace(/\/+$/, '') !== expectedIssuer) {
    throw new ZitadelDiscoveryError(
      `The discovery document names issuer ${remoteText(typeof issuer === 'string' ? `"${issuer}"` : String(JSON.stringify(issuer)))}, ` +
        `but the configured issuer is "${expectedIssuer}". Configure the issuer exactly as ZITADEL reports it.`,
    );
  }
  return {
    issuer,
    token_endpoint: endpoint(raw, 'token_endpoint', true),
    jwks_uri: endpoint(raw, 'jwks_uri', true),
    introspection_endpoint: endpoint(raw, 'introspection_endpoint', false),
    revocation_endpoint: endpoint(raw, 'revocation_endpoint', false),
    userinfo_endpoint: endpoint(raw, 'userinfo_endpoint', false),
    raw,
  };
}

function endpoint(raw: Record<string, unknown>, field: string, required: true): string;
function endpoint(raw: Record<string, unknown>, field: string, required: false): string | undefined;
function endpoint(raw: Record<string, unknown>, field: string, required: boolean): string | undefined {
  const value = raw[field];
  if (value === undefined && !required) return undefined;
  if (typeof value !== 'string' || !URL.canParse(value) || !/^https?:$/.test(new URL(value).protocol)) {
    throw new ZitadelDiscoveryError(
      `The discovery document's "${field}" is ${value === undefined ? 'missing' : 'not an http(s) URL'}`,
    );
  }
  return value;
}
