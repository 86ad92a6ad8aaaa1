import { generateKeyPairSync } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SignJWT, type JWTPayload } from 'jose';

/** A request the hostile issuer received, body included. */
export interface ReceivedRequest {
  readonly method: string;
  readonly path: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
}

/** Answers one path; may write anything, slowly, partly or not at all. */
export type HostileHandler = (request: ReceivedRequest, response: ServerResponse) => void | Promise<void>;

/**
 * A loopback issuer that misbehaves on purpose, for the fail-closed tests: by default an honest
 * minimal OpenID provider (discovery, a JWKS of a key the test holds, introspection answering
 * `{"active":false}`, a token endpoint refusing every grant), each path replaceable with
 * {@link HostileIssuer.on} and the discovery document with {@link HostileIssuer.discovery}. Every
 * request is recorded, so a test can prove that nothing was sent somewhere.
 */
export interface HostileIssuer {
  /** `http://127.0.0.1:<port>`, the issuer and origin of every default endpoint. */
  readonly issuer: string;
  readonly kid: string;
  /** Every request received, oldest first. */
  readonly requests: ReceivedRequest[];
  /** The requests received for one path. */
  requestsTo(path: string): ReceivedRequest[];
  /** Signs RS256 with the key the JWKS publishes; `header` overrides the protected header. */
  sign(claims: JWTPayload, header?: Record<string, unknown>): Promise<string>;
  /** Replaces the answer for `path` (`/oauth/v2/introspect`, ...). */
  on(path: string, handler: HostileHandler): void;
  /** Restores the honest answer for `path` after {@link on}. */
  off(path: string): void;
  /** Fields merged over the honest discovery document (`undefined` removes one). */
  discovery(fields: Record<string, unknown>): void;
  close(): Promise<void>;
}

export const DISCOVERY_PATH = '/.well-known/openid-configuration';
export const JWKS_PATH = '/oauth/v2/keys';
export const TOKEN_PATH = '/oauth/v2/token';
export const INTROSPECTION_PATH = '/oauth/v2/introspect';

/** Writes a JSON answer. */
export function sendJson(response: ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, { 'content-type': 'application/json' });
  response.end(JSON.stringify(body));
}

export async function startHostileIssuer(): Promise<HostileIssuer> {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const kid = 'hostile-key';
  const jwks = { keys: [{ ...publicKey.export({ format: 'jwk' }), kid, alg: 'RS256', use: 'sig' }] };
  const requests: ReceivedRequest[] = [];
  const handlers = new Map<string, HostileHandler>();
  let overrides: Record<string, unknown> = {};
  let issuer = '';

  const honest = (path: string): HostileHandler | undefined => {
    if (path === DISCOVERY_PATH) {
      return (_request, response) => {
        const document: Record<string, unknown> = {
          issuer,
          jwks_uri: `${issuer}${JWKS_PATH}`,
          token_endpoint: `${issuer}${TOKEN_PATH}`,
          introspection_endpoint: `${issuer}${INTROSPECTION_PATH}`,
          ...overrides,
        };
        for (const [field, value] of Object.entries(document)) if (value === undefined) delete document[field];
        sendJson(response, 200, document);
      };
    }
    if (path === JWKS_PATH) return (_request, response) => sendJson(response, 200, jwks);
    if (path === INTROSPECTION_PATH) return (_request, response) => sendJson(response, 200, { active: false });
    if (path === TOKEN_PATH) return (_request, response) => sendJson(response, 400, { error: 'invalid_grant' });
    return undefined;
  };

  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const path = (req.url ?? '/').split('?')[0] ?? '/';
      const request: ReceivedRequest = {
        method: req.method ?? 'GET',
        path,
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
      };
      requests.push(request);
      const handler = handlers.get(path) ?? honest(path);
      if (handler === undefined) return sendJson(res, 404, { error: 'not_found' });
      Promise.resolve(handler(request, res)).catch(() => res.destroy());
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    issuer,
    kid,
    requests,
    requestsTo: (path) => requests.filter((request) => request.path === path),
    sign: (claims, header = {}) =>
      new SignJWT(claims).setProtectedHeader({ alg: 'RS256', kid, ...header }).sign(privateKey),
    on: (path, handler) => void handlers.set(path, handler),
    off: (path) => void handlers.delete(path),
    discovery: (fields) => void (overrides = { ...overrides, ...fields }),
    close: async () => {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
