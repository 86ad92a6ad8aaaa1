import {
  Injectable,
  Logger,
  ServiceUnavailableException,
  UnauthorizedException,
  type CanActivate,
  type ExecutionContext,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { ZitadelConfigurationError } from '../errors/configuration.error.js';
import { ZitadelSignatureError } from '../errors/signature.error.js';
import { ZitadelError } from '../errors/zitadel.error.js';
import { rememberVerifiedCall } from './action-call.js';
import { ZitadelActionVerifier, type ActionHttpRequest } from './action-verifier.service.js';
import { ZitadelActionMetadata } from './zitadel-action.metadata.js';

/**
 * The guard `@ZitadelAction()` puts on a route: the call must be signed by ZITADEL (see
 * {@link ZitadelActionVerifier}) before the handler runs. A refused call is answered 401 (the
 * reason in the body, one fixed sentence); the JWKS unreachable (`jwt`/`jwe` targets) 503; a
 * set-up mistake (no `rawBody: true`, no signing keys) throws a `ZitadelConfigurationError`,
 * answered 500 and logged with its fix.
 */
@Injectable()
export class ZitadelActionGuard implements CanActivate {
  protected readonly logger = new Logger('ZitadelActionGuard');

  constructor(
    protected readonly reflector: Reflector,
    protected readonly verifier: ZitadelActionVerifier,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (context.getType<string>() !== 'http') {
      throw new ZitadelConfigurationError([
        { path: '@ZitadelAction()', message: 'applies to HTTP routes only: ZITADEL calls targets over HTTP' },
      ]);
    }
    const options =
      this.reflector.get(ZitadelActionMetadata, context.getHandler()) ??
      this.reflector.get(ZitadelActionMetadata, context.getClass()) ??
      {};
    const request = context.switchToHttp().getRequest<ActionHttpRequest>();
    try {
      rememberVerifiedCall(request, await this.verifier.verify(request, options));
      return true;
    } catch (error) {
      if (error instanceof ZitadelSignatureError) {
        this.logger.debug(`Refusing a call to a ZITADEL action route (401): ${error.message}`);
        throw new UnauthorizedException(error.message);
      }
      if (error instanceof ZitadelError && !(error instanceof ZitadelConfigurationError)) {
        this.logger.warn(`A ZITADEL action call cannot be checked, answering 503: ${error.message}`);
        throw new ServiceUnavailableException('ZITADEL action calls cannot be checked right now');
      }
      throw error;
    }
  }
}
