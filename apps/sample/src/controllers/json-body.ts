import { UnsupportedMediaTypeException } from '@nestjs/common';

/** `application/json` or a `+json` type, with or without parameters (`; charset=utf-8`). */
const JSON_TYPE = /^application\/(?:[\w.-]+\+)?json\s*(?:;|$)/i;

/**
 * Refuses a request body that is not JSON (e.g. a form, which Nest's body parser would otherwise
 * turn into an object): 415, naming the type to send. Called first in the handlers that take a body.
 *
 * @throws {UnsupportedMediaTypeException} `Content-Type` is missing or not JSON.
 */
export function requireJsonBody(contentType: string | undefined): void {
  if (contentType === undefined || !JSON_TYPE.test(contentType))
    throw new UnsupportedMediaTypeException('Send the body as JSON (Content-Type: application/json)');
}
