// The guard's own cost, without HTTP: ZitadelAuthGuard.canActivate in a tight loop of awaited
// calls on a warm cache, each call with a fresh request object and Nest's ExecutionContextHost
// (as Nest builds them per request), for the JWT and the opaque token of the guard-overhead
// scenario; and the pieces of that path that cost the most, measured alone. Run by
// bench/run.mjs in its own process; configuration in BENCH_HOT_CONFIG, results over IPC.
import { Controller, Get, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { ExecutionContextHost } from '@nestjs/core/helpers/execution-context-host.js';
import { ZitadelAuthGuard, ZitadelModule } from 'nestjs-zitadel';
import { hash } from 'node:crypto';
import { decorateMethod } from './lib/decorate.mjs';

const config = JSON.parse(process.env['BENCH_HOT_CONFIG'] ?? '{}');

class HotController {
  me() {
    return { ok: true };
  }
}
decorateMethod(HotController, 'me', Get('me'));
Controller()(HotController);

class HotModule {}
Module({
  imports: [
    ZitadelModule.forRoot({
      issuer: config.issuer,
      projectId: config.projectId,
      apiApplication: config.apiApplication,
      tokenValidation: 'auto',
    }),
  ],
  controllers: [HotController],
  providers: [ZitadelAuthGuard],
})(HotModule);

const app = await NestFactory.createApplicationContext(HotModule, { logger: ['error', 'warn'] });
const guard = app.get(ZitadelAuthGuard);
const handler = HotController.prototype.me;

/** Microseconds per awaited call, after a warm-up, over about `ms` milliseconds. */
async function time(fn, ms = 1000) {
  for (let i = 0; i < 30_000; i++) await fn();
  let n = 0;
  const started = performance.now();
  let elapsed = 0;
  while (elapsed < ms) {
    for (let i = 0; i < 1000; i++) await fn();
    n += 1000;
    elapsed = performance.now() - started;
  }
  return Math.round(((elapsed * 1000) / n) * 1000) / 1000;
}

function through(token) {
  return async () => {
    const authorization = `Bearer ${token}`;
    const request = {
      headers: { host: '127.0.0.1', authorization },
      rawHeaders: ['Host', '127.0.0.1', 'Authorization', authorization],
    };
    if ((await guard.canActivate(new ExecutionContextHost([request, {}, undefined], HotController, handler))) !== true)
      throw new Error('refused');
  };
}

const result = {
  canActivateJwtMicros: await time(through(config.jwt)),
  canActivateOpaqueMicros: await time(through(config.opaque)),
  emptyAsyncCallMicros: await time(async () => true),
  sha256JwtMicros: await time(() => hash('sha256', config.jwt, 'base64url')),
  jwtLength: config.jwt.length,
  opaqueLength: config.opaque.length,
};
await app.close();
process.send({ type: 'result', result });
process.on('message', (message) => {
  if (message?.type === 'close') process.exit(0);
});
process.on('disconnect', () => process.exit(0));
