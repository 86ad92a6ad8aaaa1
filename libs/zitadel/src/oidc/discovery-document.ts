/**
 * The parts of ZITADEL's OpenID Connect discovery document the library uses, checked.
 *
 * @see https://openid.net/specs/openid-connect-discovery-1_0.html#ProviderMetadata
 */
export interface DiscoveryDocument {
  readonly issuer: string;
  readonly token_endpoint: string;
  readonly jwks_uri: string;
  readonly introspection_endpoint: string | undefined;
  readonly revocation_endpoint: string | undefined;
  readonly userinfo_endpoint: string | undefined;
  /** The whole document, for fields the library does not model. */
  readonly raw: Readonly<Record<string, unknown>>;
}
