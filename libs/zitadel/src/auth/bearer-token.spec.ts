import { ZitadelTokenInvalidError } from '../errors/token-invalid.error.js';
import { extractBearerToken, MAX_TOKEN_LENGTH } from './bearer-token.js';
import type { ZitadelRequest } from './request-context.js';

const request = (authorization?: string | string[], rawHeaders?: string[]): ZitadelRequest => ({
  headers: authorization === undefined ? {} : { authorization },
  ...(rawHeaders === undefined ? {} : { rawHeaders }),
});

describe('extractBearerToken', () => {
  it('reads one bearer token, whatever the case of the scheme', () => {
    for (const scheme of ['Bearer', 'bearer', 'BEARER', 'bEaReR']) {
      expect(extractBearerToken(request(`${scheme} abc.DEF-_~+/=`))).toBe('abc.DEF-_~+/=');
    }
    expect(extractBearerToken(request('Bearer   tok  '))).toBe('tok');
  });

  it('finds no token without a header, with another scheme, or without a request', () => {
    expect(extractBearerToken(request())).toBeUndefined();
    expect(extractBearerToken(request('Basic dXNlcjpwdw=='))).toBeUndefined();
    expect(extractBearerToken(request('Bearertoken'))).toBeUndefined();
    expect(extractBearerToken(undefined)).toBeUndefined();
  });

  it.each([
    ['no token', 'Bearer'],
    ['an empty token', 'Bearer   '],
    ['two tokens', 'Bearer a b'],
    ['two credentials', 'Bearer a, Bearer b'],
    ['characters outside b64token', 'Bearer a"b'],
    ['padding in the middle', 'Bearer a=b'],
    ['a token over the cap', `Bearer ${'a'.repeat(MAX_TOKEN_LENGTH + 1)}`],
    ['a huge header', `Bearer ${'a'.repeat(100_000)}`],
  ])('refuses %s as malformed', (_, header) => {
    expect(() => extractBearerToken(request(header))).toThrow(new ZitadelTokenInvalidError('malformed'));
  });

  it('accepts a token of exactly the cap', () => {
    expect(extractBearerToken(request(`Bearer ${'a'.repeat(MAX_TOKEN_LENGTH)}`))).toHaveLength(MAX_TOKEN_LENGTH);
  });

  it('refuses a repeated Authorization header, which Node would silently drop', () => {
    const express = request('Bearer a', ['Host', 'x', 'Authorization', 'Bearer a', 'authorization', 'Bearer b']);
    expect(() => extractBearerToken(express)).toThrow(ZitadelTokenInvalidError);
    const fastify: ZitadelRequest = {
      headers: { authorization: 'Bearer a' },
      raw: { rawHeaders: ['authorization', 'Bearer a', 'AUTHORIZATION', 'x'] },
    };
    expect(() => extractBearerToken(fastify)).toThrow(ZitadelTokenInvalidError);
    expect(extractBearerToken(request('Bearer a', ['Host', 'x', 'Authorization', 'Bearer a']))).toBe('a');
  });
});
