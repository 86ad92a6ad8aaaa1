/**
 * Why calling targets failed what triggered them, as ZITADEL reports it: the HTTP status its
 * OpenID endpoints answer (`oidcError`) and the message (`error_description`).
 */
export class TargetFailure extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = 'TargetFailure';
  }
}

/**
 * A forwarded 4xx status as ZITADEL turns it into its error kind (`HTTPStatusCodeToZitadelError`,
 * `internal/api/http/error.go`) and back into an HTTP status (`ZitadelErrorToHTTPStatusCode`):
 * 400, 401, 403, 404, 409 and 429 keep theirs; any other 4xx is an unknown error (500).
 */
export function forwardedStatus(status: number): number {
  return [400, 401, 403, 404, 409, 429].includes(status) ? status : 500;
}

/** A target that did not answer 2xx, or answered something ZITADEL could not read: precondition failed (400). */
export const EXECUTION_FAILED = 'Errors.Execution.Failed';
/** A call that timed out or reached nothing: not a ZITADEL error, so internal (500). */
export const INTERNAL = 'Errors.Internal';
