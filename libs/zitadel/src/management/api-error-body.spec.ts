import {
  ZitadelAlreadyExistsError,
  ZitadelApiError,
  ZitadelApiUnavailableError,
  ZitadelNotFoundError,
  ZitadelResourceExhaustedError,
  ZitadelUnauthenticatedError,
} from '../errors/management-api.error.js';
import { readApiError } from './api-error-body.js';

function response(status: number, body: string) {
  return { status, headers: new Headers({ 'content-type': 'application/json' }), body };
}

describe('readApiError', () => {
  it('reads ZITADEL’s gRPC-gateway error body: code, message, ErrorDetail id and message', () => {
    const body = {
      code: 5,
      message: 'User could not be found (COMMAND-uXHNj)',
      details: [
        {
          '@type': 'type.googleapis.com/zitadel.v1.ErrorDetail',
          id: 'COMMAND-uXHNj',
          message: 'User could not be found',
        },
      ],
    };
    const error = readApiError(response(404, JSON.stringify(body)), 'GET /management/v1/users/1');
    expect(error).toBeInstanceOf(ZitadelNotFoundError);
    expect(error).toMatchObject({
      code: 'ZITADEL_API_ERROR',
      kind: 'not-found',
      status: 404,
      grpcCode: 5,
      errorId: 'COMMAND-uXHNj',
      zitadelMessage: 'User could not be found',
      details: body.details,
    });
    expect(error.message).toBe(
      'ZITADEL GET /management/v1/users/1 failed with 404 not-found: User could not be found (COMMAND-uXHNj)',
    );
    expect(error.name).toBe('ZitadelNotFoundError');
  });

  it('types by the gRPC code first, by the HTTP status when the body is not ZITADEL’s', () => {
    expect(readApiError(response(409, '{"code":6,"message":"x"}'), 'e')).toBeInstanceOf(ZitadelAlreadyExistsError);
    expect(readApiError(response(401, '{"code":16,"message":"invalid token (APP-Reb32)"}'), 'e')).toBeInstanceOf(
      ZitadelUnauthenticatedError,
    );
    expect(readApiError(response(429, ''), 'e')).toBeInstanceOf(ZitadelResourceExhaustedError);
    expect(readApiError(response(502, '<html>bad gateway</html>'), 'e')).toBeInstanceOf(ZitadelApiUnavailableError);
    const unknown = readApiError(response(418, 'teapot'), 'e');
    expect(unknown.constructor).toBe(ZitadelApiError);
    expect(unknown).toMatchObject({
      kind: 'unknown',
      status: 418,
      grpcCode: undefined,
      errorId: undefined,
      details: [],
    });
    expect(readApiError(response(400, '{"code":99,"message":"?"}'), 'e').kind).toBe('invalid-argument');
  });

  it('keeps remote text short and on one line, and ignores malformed details', () => {
    const body = { code: 3, message: `line one\nline two ${'x'.repeat(500)}`, details: ['nope', { id: 7 }, null] };
    const error = readApiError(response(400, JSON.stringify(body)), 'e');
    expect(error.message).not.toContain('\n');
    expect(error.zitadelMessage?.length).toBeLessThanOrEqual(201);
    expect(error.details).toEqual([]);
    expect(error.errorId).toBeUndefined();
  });
});
