// Scenario 3: TokenService. A stampede of concurrent getAccessToken calls on a cold cache must
// make one token request; the warm path (a cached token) is timed in a tight loop.
import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { TokenService, ZitadelModule } from 'nestjs-zitadel';
import { check, load, round, say } from '../lib/report.mjs';

/** Awaited calls for `ms` milliseconds, after a short warm-up: ops/s and µs per call. */
async function warmPath(call, ms) {
  for (let i = 0; i < 20_000; i++) await call();
  let n = 0;
  const started = performance.now();
  let elapsed = 0;
  while (elapsed < ms) {
    for (let i = 0; i < 1000; i++) await call();
    n += 1000;
    elapsed = performance.now() - started;
  }
  return { calls: n, opsPerSecond: round((n / elapsed) * 1000), microsecondsPerCall: round((elapsed * 1000) / n, 3) };
}

export async function tokenServiceScenario({ fixture, concurrent, warmMs }) {
  class TokenBenchModule {}
  Module({ imports: [ZitadelModule.forRoot({ issuer: fixture.issuer, serviceUser: fixture.serviceUser })] })(
    TokenBenchModule,
  );
  const app = await NestFactory.createApplicationContext(TokenBenchModule, { logger: ['error', 'warn'] });
  try {
    const tokens = app.get(TokenService);
    const scopes = fixture.tokenScopes;
    const loadBefore = load();
    const before = fixture.tokenCount();
    const results = await Promise.all(Array.from({ length: concurrent }, () => tokens.getAccessToken({ scopes })));
    const calls = fixture.tokenCount() - before;
    const distinct = new Set(results).size;
    say(`  ${concurrent} concurrent getAccessToken calls: ${calls} token request(s), ${distinct} distinct token(s)`);
    check(calls === 1, `TokenService: ${concurrent} concurrent calls made ${calls} token requests (expected 1)`);
    check(distinct === 1, `TokenService: ${concurrent} concurrent calls got ${distinct} distinct tokens (expected 1)`);
    // Warm: the default scope set, then an explicit one (normalised on every call).
    await tokens.getAccessToken();
    const defaultScopes = await warmPath(() => tokens.getAccessToken(), warmMs);
    const withScopes = await warmPath(() => tokens.getAccessToken({ scopes }), warmMs);
    const after = fixture.tokenCount() - before;
    check(after === 2, `TokenService: the warm loops made ${after - 2} extra token requests`);
    say(`  warm getAccessToken(): ${defaultScopes.opsPerSecond} ops/s (${defaultScopes.microsecondsPerCall} µs/call)`);
    say(
      `  warm getAccessToken({ scopes: [${scopes.length} scopes] }): ${withScopes.opsPerSecond} ops/s (${withScopes.microsecondsPerCall} µs/call)`,
    );
    return {
      concurrentCalls: concurrent,
      tokenRequests: calls,
      distinctTokens: distinct,
      warm: { defaultScopes, withScopes: { scopes: scopes.length, ...withScopes } },
      loadBefore,
      loadAfter: load(),
    };
  } finally {
    await app.close();
  }
}
