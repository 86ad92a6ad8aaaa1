// The floor of a JWT guard (issue 8's "bare Map in front of jose"): what a hand-written guard
// does on a cached token, and nothing more. An unbounded `Map` keyed by the token itself (no hash),
// the token's `exp` checked on a hit, `jose.jwtVerify` with a cached remote JWKS (issuer, audience
// and RS256 checked) on a miss. A ceiling to measure against, not a design: it grows without bound
// and keeps raw tokens as keys.
import { Injectable, UnauthorizedException } from '@nestjs/common';
import { createRemoteJWKSet, jwtVerify } from 'jose';

/** Builds the guard class for one issuer, JWKS and audience. */
export function mapJoseGuard({ issuer, jwksUri, audience }) {
  const jwks = createRemoteJWKSet(new URL(jwksUri));
  const verified = new Map();
  class MapJoseGuard {
    async canActivate(context) {
      const request = context.switchToHttp().getRequest();
      const header = request.headers.authorization;
      if (typeof header !== 'string' || !header.startsWith('Bearer ')) throw new UnauthorizedException();
      const token = header.slice(7);
      const hit = verified.get(token);
      if (hit !== undefined && hit.exp * 1000 > Date.now()) {
        request.user = hit;
        return true;
      }
      try {
        const { payload } = await jwtVerify(token, jwks, { issuer, audience, algorithms: ['RS256'] });
        verified.set(token, payload);
        request.user = payload;
        return true;
      } catch {
        throw new UnauthorizedException();
      }
    }
  }
  Injectable()(MapJoseGuard);
  return MapJoseGuard;
}
