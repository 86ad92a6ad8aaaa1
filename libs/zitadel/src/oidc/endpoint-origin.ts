/**
 * Whether the library may send requests to an endpoint the discovery document names. The
 * document comes from the network; an endpoint elsewhere would receive the API application's
 * credentials, the service user's assertions and users' tokens, and its answers would be
 * trusted. So an endpoint must be on the issuer's origin or on one of `trustedOrigins`, and never
 * plain `http` unless the issuer itself is (loopback, `allowInsecureIssuer`): a document served
 * over https cannot send us to a cleartext endpoint.
 *
 * @param endpoint the endpoint's URL, already parsed.
 * @param issuer the configured issuer URL.
 * @param trustedOrigins further allowed origins (`discovery.trustedOrigins`, normalised `URL.origin`s).
 * @returns why the endpoint is refused, as a phrase completing "The discovery document's "x" ...",
 *   or `undefined` when it is allowed.
 */
export function endpointOriginProblem(
  endpoint: URL,
  issuer: URL,
  trustedOrigins: readonly string[],
): string | undefined {
  if (endpoint.protocol === 'http:' && issuer.protocol !== 'http:') {
    return 'uses plain http while the issuer uses https; endpoints must use https';
  }
  if (endpoint.origin === issuer.origin || trustedOrigins.includes(endpoint.origin)) return undefined;
  return (
    `is on ${clip(endpoint.origin)}, not on the issuer's origin ${issuer.origin}; if that origin belongs to ` +
    'your ZITADEL, add it to the option discovery.trustedOrigins'
  );
}

/** A hostname may be long; the message stays readable. */
function clip(origin: string): string {
  return origin.length > 100 ? `${origin.slice(0, 100)}…` : origin;
}
