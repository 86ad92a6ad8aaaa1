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
 * A forwarded 4xx status as ZITADEL turns it into its error kind (`HTTPStatusCodeToZitadelError`)
 * and back into an HTTP status (`ZitadelErrorToHTTPStatusCode`): 412 becomes a precondition
 * failure (400); an unlisted 4xx is an unknown error (500).
 */
export function forwardedStatus(status: number): number {
  if ([400, 401, 403, 404, 409, 429].includes(status)) return status;
  return status === 412 ? 400 : 500;
}

/** A target that did not answer 2xx, or answered something ZITADEL could not read: precondition failed (400). */
export const EXECUTION_FAILED = 'Errors.Execution.Failed';
/** A call that timed out or reached nothing: not a ZITADEL error, so internal (500). */
export const INTERNAL = 'Errors.Internal';
