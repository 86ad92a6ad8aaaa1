import { ZitadelResponseError } from '../errors/response.error.js';
import { ZitadelUnavailableError } from '../errors/unavailable.error.js';

/**
 * Reads a response body, at most `maxBytes` of it. A `Content-Length` above the cap is
 * refused before anything is read; otherwise the body is streamed and the stream cancelled (the
 * connection closed) as soon as the count passes the cap, so a hostile or broken server cannot
 * make the process buffer an unbounded answer.
 *
 * @throws {ZitadelResponseError} the body is larger than `maxBytes`.
 * @throws {ZitadelUnavailableError} the body was cut off (connection lost, timeout).
 */
export async function readCappedBody(response: Response, endpoint: string, maxBytes: number): Promise<Uint8Array> {
  const tooLarge = () =>
    new ZitadelResponseError(
      `ZITADEL ${endpoint} endpoint answered ${response.status} with a body larger than ${maxBytes} bytes ` +
        '(http.maxResponseBytes); nothing of it was used',
      response.status,
    );
  const declared = Number(response.headers.get('content-length') ?? Number.NaN);
  if (declared > maxBytes) {
    await response.body?.cancel().catch(() => undefined);
    throw tooLarge();
  }
  if (response.body === null) return new Uint8Array(0);
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let received = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      received += value.byteLength;
      if (received > maxBytes) {
        await reader.cancel().catch(() => undefined);
        throw tooLarge();
      }
      chunks.push(value);
    }
  } catch (cause) {
    if (cause instanceof ZitadelResponseError) throw cause;
    throw new ZitadelUnavailableError(`ZITADEL ${endpoint} response was cut off`, response.status, { cause });
  }
  return Buffer.concat(chunks);
}
