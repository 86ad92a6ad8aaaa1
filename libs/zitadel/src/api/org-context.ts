import type { CallOptions } from '@connectrpc/connect';

const ORG_ID = /^[^\s/?#]{1,200}$/;

/**
 * Call options that make a call act in an organisation (`x-zitadel-orgid`), merged over `options`.
 * ZITADEL's v1 services and some v2 calls read the header; without it a call acts in the
 * service user's own organisation. v2 services mostly take the organisation in the request.
 *
 * @example
 * await api.client(UserService).listUsers({}, orgContext('259242039378444290'));
 * @throws {TypeError} `orgId` cannot be an organisation id (empty, whitespace, `/`, `?`, `#`).
 */
export function orgContext(orgId: string, options: CallOptions = {}): CallOptions {
  if (typeof orgId !== 'string' || !ORG_ID.test(orgId)) {
    throw new TypeError('"orgId" must be a non-empty string without spaces');
  }
  const headers = new Headers(options.headers);
  headers.set('x-zitadel-orgid', orgId);
  return { ...options, headers };
}
