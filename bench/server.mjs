// The benchmarked app, run by bench/run.mjs in processes of its own, one per guard: the same
// NestJS 12 Express app (the same modules, providers and middleware) with one route, GET /bench,
// and one handler; only the route's guard differs, by BENCH_SERVER_CONFIG.guard:
//   none      no guard (the baseline)
//   allow     a guard that returns true: what Nest's guard machinery costs by itself
//   map       a bare Map of verified tokens in front of jose (lib/map-guard.mjs): the floor of a JWT guard
//   zitadel   ZitadelAuthGuard (tokenValidation 'auto': a JWT is verified locally, an opaque
//             token introspected; the scenario picks which by the token it sends)
//   passport  the usual recipe: @nestjs/passport + passport-jwt + jwks-rsa
// One process per guard rather than one route per guard in one app: no route is further down
// Express's route list than another, and each guard's JIT state is its own, as in a real app.
// The port goes back over IPC; the process answers `cpu` messages with its CPU time.
import { Controller, Get, Injectable, Module, UseGuards } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { ExpressAdapter } from '@nestjs/platform-express';
import { AuthGuard, PassportModule, PassportStrategy } from '@nestjs/passport';
import { passportJwtSecret } from 'jwks-rsa';
import { ZitadelAuthGuard, ZitadelModule } from 'nestjs-zitadel';
import { ExtractJwt, Strategy } from 'passport-jwt';
import { decorateMethod } from './lib/decorate.mjs';
import { mapJoseGuard } from './lib/map-guard.mjs';

const config = JSON.parse(process.env['BENCH_SERVER_CONFIG'] ?? '{}');

/**
 * The recipe of the NestJS and Auth0 guides: passport-jwt, keys from the JWKS through jwks-rsa
 * (cached, rate limited), issuer, audience and algorithm checked.
 */
class JwtStrategy extends PassportStrategy(Strategy, 'jwt') {
  constructor() {
    super({
      secretOrKeyProvider: passportJwtSecret({
        cache: true,
        rateLimit: true,
        jwksRequestsPerMinute: 5,
        jwksUri: config.jwksUri,
      }),
      jwtFromRequest: ExtractJwt.fromAuthHeaderAsBearerToken(),
      issuer: config.issuer,
      audience: config.projectId,
      algorithms: ['RS256'],
    });
  }

  validate(payload) {
    return payload;
  }
}
Injectable()(JwtStrategy);

/** A guard that lets everything through: the cost of Nest's guard machinery itself. */
class AllowGuard {
  canActivate() {
    return true;
  }
}
Injectable()(AllowGuard);

/** The guard of the one route, by variant; every process has the same app around it. */
const MapJoseGuard = mapJoseGuard({ issuer: config.issuer, jwksUri: config.jwksUri, audience: config.projectId });
const GUARDS = {
  none: [],
  allow: [AllowGuard],
  map: [MapJoseGuard],
  zitadel: [ZitadelAuthGuard],
  passport: [AuthGuard('jwt')],
};
const guards = GUARDS[config.guard];
if (guards === undefined) throw new Error(`unknown guard ${config.guard}`);

class BenchController {
  bench() {
    return { ok: true };
  }
}
decorateMethod(BenchController, 'bench', Get('bench'), UseGuards(...guards));
Controller()(BenchController);

class BenchAppModule {}
Module({
  imports: [
    PassportModule,
    ZitadelModule.forRoot({
      issuer: config.issuer,
      projectId: config.projectId,
      apiApplication: config.apiApplication,
      tokenValidation: 'auto',
    }),
  ],
  controllers: [BenchController],
  providers: [JwtStrategy],
})(BenchAppModule);

const app = await NestFactory.create(BenchAppModule, new ExpressAdapter(), { logger: ['error', 'warn'] });
await app.listen(0, '127.0.0.1');
const { port } = app.getHttpServer().address();
process.send?.({ type: 'listening', port });
process.on('message', (message) => {
  if (message?.type === 'close') void app.close().then(() => process.exit(0));
  // CPU time used so far (user + system, all threads), to derive CPU time per request.
  if (message?.type === 'cpu') process.send?.({ type: 'cpu', id: message.id, usage: process.cpuUsage() });
});
process.on('disconnect', () => process.exit(0));
