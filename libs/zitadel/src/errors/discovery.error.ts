import { ZitadelError } from './zitadel.error.js';

/**
 * The OpenID Connect discovery document could not be used: it is malformed, lacks an endpoint
 * the library needs, or names another issuer than the configured one.
 *
 * A value from the document echoed in the message (the issuer it names) is passed through
 * `remoteText` first; `ZitadelError` escapes control characters in any case.
 */
export class ZitadelDiscoveryError extends ZitadelError {
  readonly code = 'ZITADEL_DISCOVERY_FAILED' as const;
}
