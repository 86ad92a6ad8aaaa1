import {
  BadGatewayException,
  BadRequestException,
  ConflictException,
  NotFoundException,
  ServiceUnavailableException,
} from '@nestjs/common';
import {
  ZitadelAlreadyExistsError,
  ZitadelApiError,
  ZitadelApiUnavailableError,
  ZitadelInvalidArgumentError,
  ZitadelNotFoundError,
  ZitadelPermissionDeniedError,
  ZitadelResponseError,
  ZitadelUnauthenticatedError,
  ZitadelUnavailableError,
} from 'nestjs-zitadel';

/** What a route asked ZITADEL to do, for the messages of {@link httpErrorOf}. */
export interface ZitadelCall {
  /** What the app's service user did, after "may not": `create users`. */
  readonly action: string;
  /** What ZITADEL refused on `invalid_argument`: `the user`. */
  readonly subject: string;
  /** The 409 message on `already_exists`; without it, `already_exists` is ZITADEL refusing (502). */
  readonly conflict?: string;
  /** The 404 message on `not_found`; without it, `not_found` is ZITADEL refusing (502). */
  readonly notFound?: string;
}

/**
 * ZITADEL's answer as this API's: the caller's mistakes as 4xx, the app's own set-up or ZITADEL's
 * state as 502 / 503; anything else stays a 500. The same for the management client and
 * `ZitadelApi`, which throw the same `ZitadelApiError` subclasses.
 */
export function httpErrorOf(error: unknown, call: ZitadelCall): unknown {
  if (error instanceof ZitadelAlreadyExistsError && call.conflict !== undefined)
    return new ConflictException(call.conflict);
  if (error instanceof ZitadelNotFoundError && call.notFound !== undefined) return new NotFoundException(call.notFound);
  if (error instanceof ZitadelInvalidArgumentError)
    return new BadRequestException(`ZITADEL refused ${call.subject}: ${error.zitadelMessage ?? 'invalid argument'}`);
  if (error instanceof ZitadelPermissionDeniedError || error instanceof ZitadelUnauthenticatedError) {
    return new BadGatewayException(
      `The app's service user may not ${call.action} (make it an ORG_OWNER or ORG_USER_MANAGER)`,
      { cause: error },
    );
  }
  if (error instanceof ZitadelApiUnavailableError || error instanceof ZitadelUnavailableError)
    return new ServiceUnavailableException('ZITADEL is unavailable', { cause: error });
  if (error instanceof ZitadelApiError)
    return new BadGatewayException(`ZITADEL refused to ${call.action} (${error.kind})`, { cause: error });
  if (error instanceof ZitadelResponseError)
    return new BadGatewayException("ZITADEL's answer was not understood", { cause: error });
  return error;
}
