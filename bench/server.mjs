// The benchmarked app, run in its own process by bench/run.mjs: one NestJS 12 Express app with
// the same handler behind four routes.
//   GET /none      no guard (the baseline)
//   GET /allow     a guard that returns true: what Nest's guard machinery costs by itself
//   GET /zitadel   ZitadelAuthGuard (tokenValidation 'auto': a JWT is verified locally, an opaque
//                  token introspected; the scenario picks which by the token it sends)
//   GET /passport  the usual recipe: @nestjs/passport + passport-jwt + jwks-rsa
// Configuration comes in BENCH_SERVER_CONFIG (JSON); the port goes back over IPC.
import { Controller, Get, Injectable, Module, UseGuards } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { ExpressAdapter } from '@nestjs/platform-express';
import { AuthGuard, PassportModule, PassportStrategy } from '@nestjs/passport';
import { passportJwtSecret } from 'jwks-rsa';
import { ZitadelAuthGuard, ZitadelModule } from 'nestjs-zitadel';
import { ExtractJwt, Strategy } from 'passport-jwt';
import { decorateMethod } from './lib/decorate.mjs';

const config = JSON.parse(process.env['BENCH_SERVER_CONFIG'] ?? '{}');

/**
 * The recipe of the NestJS and Auth0 guides: passport-jwt, keys from the JWKS through jwks-rsa
 * (cached, rate limited), issuer, audience and algorithm checked.
 */
class JwtStrategy extends PassportStrategy(Strategy, 'jwt') {
  constructor() {
    super({
      secretOrKeyProvider: passportJwtSecret({ cache: true, rateLimit: true, jwksRequestsPerMinute: 5, jwksUri: config.jwksUri }),
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

/** The same handler body on every route, so only the guard differs. */
class BenchController {
  none() {
    return { ok: true };
  }
  allow() {
    return { ok: true };
  }
  zitadel() {
    return { ok: true };
  }
  passport() {
    return { ok: true };
  }
}
decorateMethod(BenchController, 'none', Get('none'));
decorateMethod(BenchController, 'allow', Get('allow'), UseGuards(AllowGuard));
decorateMethod(BenchController, 'zitadel', Get('zitadel'), UseGuards(ZitadelAuthGuard));
decorateMethod(BenchController, 'passport', Get('passport'), UseGuards(AuthGuard('jwt')));
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
