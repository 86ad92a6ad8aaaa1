// A test JWKS for the memory scenario: an OpenID discovery document and a JWKS on loopback, for
// a signing key the bench holds. The emulator keeps its signing key private, and minting a
// million tokens needs the key in the signer processes; the guard cannot tell the difference: it
// reads discovery and the JWKS of whatever issuer it is given, as it does for ZITADEL.
import { generateKeyPairSync } from 'node:crypto';
import { createServer } from 'node:http';
import { once } from 'node:events';

/** Starts the issuer; `close()` stops it. */
export async function startTestIssuer() {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const kid = 'bench-signing-key';
  const jwks = JSON.stringify({ keys: [{ ...publicKey.export({ format: 'jwk' }), kid, alg: 'RS256', use: 'sig' }] });
  let issuer = '';
  const server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    res.setHeader('content-type', 'application/json');
    if (path === '/.well-known/openid-configuration') {
      res.end(
        JSON.stringify({
          issuer,
          jwks_uri: `${issuer}/oauth/v2/keys`,
          token_endpoint: `${issuer}/oauth/v2/token`,
          introspection_endpoint: `${issuer}/oauth/v2/introspect`,
        }),
      );
    } else if (path === '/oauth/v2/keys') {
      res.end(jwks);
    } else {
      res.statusCode = 404;
      res.end('{}');
    }
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  issuer = `http://127.0.0.1:${server.address().port}`;
  return {
    issuer,
    kid,
    privateKeyPem: privateKey.export({ format: 'pem', type: 'pkcs8' }),
    close: () => {
      server.closeAllConnections();
      return new Promise((resolve) => server.close(resolve));
    },
  };
}
