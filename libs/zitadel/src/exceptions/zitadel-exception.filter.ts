import { Catch, Injectable, Logger, Optional, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { defer, mergeMap, type Observable } from 'rxjs';
import { ZitadelDependencyMissingError } from '../errors/dependency-missing.error.js';
import { describeError } from '../shared/describe-error.js';
import { ZitadelError } from '../errors/zitadel.error.js';
import { answerFor, configurationHint, type ErrorAnswer } from './error-answer.js';

/** HTTP reason phrases of the statuses the filter answers with. */
const REASONS: Readonly<Record<number, string>> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  404: 'Not Found',
  409: 'Conflict',
  500: 'Internal Server Error',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
};
/** GraphQL `extensions.code` per status, in Apollo's spelling where it has one. */
const GRAPHQL_CODES: Readonly<Record<number, string>> = {
  400: 'BAD_REQUEST',
  401: 'UNAUTHENTICATED',
  404: 'NOT_FOUND',
  409: 'CONFLICT',
  500: 'INTERNAL_SERVER_ERROR',
  502: 'BAD_GATEWAY',
  503: 'SERVICE_UNAVAILABLE',
};

/** A GraphQL error without importing `graphql`: graphql-js copies `extensions` of the error a resolver throws. */
class ZitadelGraphQLError extends Error {
  constructor(
    message: string,
    readonly extensions: Readonly<Record<string, unknown>>,
  ) {
    super(message);
    this.name = 'ZitadelGraphQLError';
  }
}

/**
 * Turns library errors (`ZitadelError`) thrown from your own handlers (while calling
 * `TokenService`, `ZitadelManagementClient`, `ZitadelApi`, ...) into the answers callers expect,
 * instead of Nest's generic 500: ZITADEL unavailable → 503 (with `Retry-After` when ZITADEL gave
 * one), ZITADEL refusing this service's credentials → 502 (the log names the option to check),
 * API errors that are safe to pass on → their status (404, 409, 400), anything else → 500. The
 * answer holds fixed words and the library's error `code`, never ZITADEL's text, a secret or a
 * token. Other exceptions (`HttpException`s, your own errors) are not caught: Nest handles them.
 *
 * Per transport (`host.getType()`): HTTP (Express and Fastify) answers `{ statusCode, error,
 * message, code }`; GraphQL gets an error with `extensions: { code, status, zitadelCode }`;
 * WebSocket gateways a `WsException` and microservices an `RpcException` (from the optional
 * peers `@nestjs/websockets` and `@nestjs/microservices`, loaded only when such a handler fails),
 * each carrying `{ status: 'error', statusCode, message, code }`.
 *
 * Opt-in: register it globally (HTTP, GraphQL, microservices). Nest applies no global filter to
 * WebSocket gateways: give those `@UseFilters(ZitadelExceptionFilter)`.
 * @example
 * providers: [{ provide: APP_FILTER, useClass: ZitadelExceptionFilter }]
 */
@Catch(ZitadelError)
@Injectable()
export class ZitadelExceptionFilter implements ExceptionFilter<ZitadelError> {
  private readonly logger = new Logger('Zitadel');

  constructor(@Optional() private readonly adapterHost?: HttpAdapterHost) {}

  catch(error: ZitadelError, host: ArgumentsHost): unknown {
    const answer = answerFor(error);
    this.log(error, answer);
    const type = host.getType<'http' | 'graphql' | 'ws' | 'rpc'>();
    switch (type) {
      case 'graphql':
        return new ZitadelGraphQLError(answer.message, {
          code: GRAPHQL_CODES[answer.status] ?? 'INTERNAL_SERVER_ERROR',
          status: answer.status,
          ...(answer.code === undefined ? {} : { zitadelCode: answer.code }),
          ...(answer.retryAfterSeconds === undefined ? {} : { retryAfterSeconds: answer.retryAfterSeconds }),
        });
      case 'ws':
        this.answerWebSocket(answer, host).catch((failure: unknown) => this.logMissingPeer(failure));
        return undefined;
      case 'rpc':
        return this.answerRpc(answer, host);
      default:
        this.answerHttp(answer, host);
        return undefined;
    }
  }

  /**
   * Logs the error once: 500 and 502 as errors (with the configuration to check), 503 as a
   * warning, the rest at debug level. Library messages hold no token or secret by construction.
   */
  protected log(error: ZitadelError, answer: ErrorAnswer): void {
    const line = `A handler failed with ${error.name} (${error.code}), answered ${answer.status}: ${error.message}`;
    if (answer.status === 502) this.logger.error(`${line}; ${configurationHint(error) ?? 'check the configuration'}`);
    else if (answer.status >= 500 && answer.status !== 503) this.logger.error(line);
    else if (answer.status === 503) this.logger.warn(line);
    else this.logger.debug(line);
  }

  private answerHttp(answer: ErrorAnswer, host: ArgumentsHost): void {
    const response = host.switchToHttp().getResponse<unknown>();
    const body = {
      statusCode: answer.status,
      error: REASONS[answer.status] ?? 'Error',
      message: answer.message,
      ...(answer.code === undefined ? {} : { code: answer.code }),
    };
    const adapter = this.adapterHost?.httpAdapter;
    if (adapter === undefined) {
      throw new ZitadelDependencyMissingError('ZitadelExceptionFilter (constructed without HttpAdapterHost)', [
        '@nestjs/core',
      ]);
    }
    if (answer.retryAfterSeconds !== undefined)
      adapter.setHeader(response, 'Retry-After', String(answer.retryAfterSeconds));
    adapter.reply(response, body, answer.status);
  }

  private async answerWebSocket(answer: ErrorAnswer, host: ArgumentsHost): Promise<void> {
    const websockets = await loadPeer(() => import('@nestjs/websockets'), '@nestjs/websockets', 'WebSocket gateways');
    new websockets.BaseWsExceptionFilter().catch(new websockets.WsException(transportError(answer)), host);
  }

  private answerRpc(answer: ErrorAnswer, host: ArgumentsHost): Observable<unknown> {
    return defer(() =>
      loadPeer(() => import('@nestjs/microservices'), '@nestjs/microservices', 'microservice handlers'),
    ).pipe(
      mergeMap((microservices) =>
        new microservices.BaseRpcExceptionFilter().catch(new microservices.RpcException(transportError(answer)), host),
      ),
    );
  }

  private logMissingPeer(failure: unknown): void {
    this.logger.error(`ZitadelExceptionFilter could not answer: ${describeError(failure)}`);
  }
}

/** The error object WebSocket and RPC callers receive. */
function transportError(answer: ErrorAnswer): Record<string, unknown> {
  return {
    status: 'error',
    statusCode: answer.status,
    message: answer.message,
    ...(answer.code === undefined ? {} : { code: answer.code }),
    ...(answer.retryAfterSeconds === undefined ? {} : { retryAfterSeconds: answer.retryAfterSeconds }),
  };
}

/** An optional peer, imported at first use (a literal specifier each, so bundlers and the manifest check see it). */
async function loadPeer<T>(load: () => Promise<T>, name: string, feature: string): Promise<T> {
  try {
    return await load();
  } catch (cause) {
    throw new ZitadelDependencyMissingError(`ZitadelExceptionFilter for ${feature}`, [name], { cause });
  }
}
