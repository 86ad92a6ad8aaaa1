// The guard's own cost, without HTTP: ZitadelAuthGuard.canActivate in a tight loop of awaited
// calls on a warm cache, beside the floor of a JWT guard (a bare Map in front of jose, lib/map-guard.mjs), each call with a fresh request object and Nest's ExecutionContextHost
// (as Nest builds them per request), for the JWT and the opaque token of the guard-overhead
// scenario; and the pieces of that path that cost the most, measured alone. Run by
// bench/run.mjs in its own process; configuration in BENCH_HOT_CONFIG, results over IPC.
import { Controller, Get, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { ExecutionContextHost } from '@nestjs/core/helpers/execution-context-host.js';
import { ZitadelAuthGuard, ZitadelModule } from 'nestjs-zitadel';
import { hash } from 'node:crypto';
import { decorateMethod } from './lib/decorate.mjs';
import { mapJoseGuard } from './lib/map-guard.mjs';

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
const MapJoseGuard = mapJoseGuard({
  issuer: config.issuer,
  jwksUri: `${config.issuer}/oauth/v2/keys`,
  audience: config.projectId,
});
const mapGuard = new MapJoseGuard();
const handler = HotController.prototype.me;

/**
 * CPU microseconds of this process per awaited call (`process.cpuUsage()`, steadier than the wall
 * clock when other processes take the cores), after a warm-up, over about `ms` milliseconds.
 */
async function time(fn, ms = 1000) {
  for (let i = 0; i < 30_000; i++) await fn();
  let n = 0;
  const started = performance.now();
  const cpu = process.cpuUsage();
  while (performance.now() - started < ms) {
    for (let i = 0; i < 1000; i++) await fn();
    n += 1000;
  }
  const used = process.cpuUsage(cpu);
  return Math.round(((used.user + used.system) / n) * 1000) / 1000;
}

function through(token, by = guard) {
  return async () => {
    const authorization = `Bearer ${token}`;
    const request = {
      headers: { host: '127.0.0.1', authorization },
      rawHeaders: ['Host', '127.0.0.1', 'Authorization', authorization],
    };
    if ((await by.canActivate(new ExecutionContextHost([request, {}, undefined], HotController, handler))) !== true)
      throw new Error('refused');
  };
}

// Interleaved, best of three each: the two JWT guards are compared in the same seconds.
const jwtRuns = [];
const mapRuns = [];
for (let i = 0; i < 3; i++) {
  jwtRuns.push(await time(through(config.jwt)));
  mapRuns.push(await time(through(config.jwt, mapGuard)));
}
const result = {
  canActivateJwtMicros: Math.min(...jwtRuns),
  canActivateMapJoseMicros: Math.min(...mapRuns),
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
