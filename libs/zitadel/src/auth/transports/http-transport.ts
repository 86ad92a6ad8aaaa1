import { extractBearerToken } from '../bearer-token.js';
import { paramsOf, requestOf } from '../request-context.js';
import type { GuardTransport } from './guard-transport.js';

/**
 * HTTP (Express, Fastify) and GraphQL over HTTP: the `Authorization` header of the request (for
 * GraphQL, the context's `req`), route parameters or resolver arguments, HTTP exceptions.
 */
export const httpTransport: GuardTransport = {
  request: requestOf,
  token: (request) => extractBearerToken(request),
  params: (request, context) => paramsOf(context, request),
};
