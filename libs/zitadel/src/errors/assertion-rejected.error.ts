import { ZitadelError } from './zitadel.error.js';

/**
 * ZITADEL answered the service user's JWT-profile grant with `500 server_error` again after one
 * retry. Released ZITADEL (up to at least v4.10.1) answers every refused assertion that way
 * (unknown, deleted or expired key, bad signature) instead of `400 invalid_grant`, so the key is
 * the likely cause, not an outage. Not retried further: the key must change before it can succeed.
 *
 * @see https://github.com/zitadel/zitadel/issues/12692
 */
export class ZitadelAssertionRejectedError extends ZitadelError {
  readonly code = 'ZITADEL_ASSERTION_REJECTED' as const;
  /** The HTTP status ZITADEL answered (500). */
  readonly status: number;

  constructor(
    /** The key id (`keyId`) of the service user's key file. */
    readonly keyId: string,
    /** The service user (`userId`) the assertion was signed for. */
    readonly userId: string,
    status: number,
  ) {
    super(
      `ZITADEL's token endpoint answered ${status} server_error to the JWT-profile grant of service user ${userId} ` +
        `(key ${keyId}), also when retried. Released ZITADEL answers a refused assertion this way ` +
        '(zitadel/zitadel#12692), so the service-user key is the likely cause: check that the key has not ' +
        'expired, was not deleted, and belongs to a service user of this ZITADEL instance (the configured issuer).',
    );
    this.status = status;
  }
}
