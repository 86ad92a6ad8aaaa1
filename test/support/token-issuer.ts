import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SignJWT, type JWTPayload } from 'jose';

/**
 * A stand-in issuer on loopback that serves a discovery document and a JWKS for a key the test
 * holds, so tests can sign tokens with any claims: a wrong `iss` under a trusted key, a future
 * `nbf`, ... The ZITADEL emulator keeps its signing key private (as ZITADEL does) and always
 * signs its own issuer, so it cannot produce those. The guard cannot tell the difference: it
 * reads discovery and the JWKS of whatever issuer it is configured with.
 */
export interface TokenIssuer {
  readonly issuer: string;
  readonly kid: string;
  /** The public half, for an HS256-with-the-public-key forgery. */
  readonly publicKey: KeyObject;
  /** Signs RS256 with the published key; `header` overrides the protected header. */
  sign(claims: JWTPayload, header?: Record<string, unknown>): Promise<string>;
  /** JWKS requests received. */
  jwksRequests(): number;
  close(): Promise<void>;
}

export async function startTokenIssuer(): Promise<TokenIssuer> {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const kid = 'test-signing-key';
  const jwks = JSON.stringify({ keys: [{ ...publicKey.export({ format: 'jwk' }), kid, alg: 'RS256', use: 'sig' }] });
  let issuer = '';
  let jwksRequests = 0;
  const server: Server = createServer((req, res) => {
    res.setHeader('content-type', 'application/json');
    if (req.url === '/.well-known/openid-configuration') {
      res.end(
        JSON.stringify({ issuer, jwks_uri: `${issuer}/oauth/v2/keys`, token_endpoint: `${issuer}/oauth/v2/token` }),
      );
    } else if (req.url === '/oauth/v2/keys') {
      jwksRequests++;
      res.end(jwks);
    } else {
      res.statusCode = 404;
      res.end('{}');
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    issuer,
    kid,
    publicKey,
    sign: (claims, header = {}) =>
      new SignJWT(claims).setProtectedHeader({ alg: 'RS256', kid, ...header }).sign(privateKey),
    jwksRequests: () => jwksRequests,
    close: async () => {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
