// Starts the sample app against the ZITADEL instance named by ZITADEL_ISSUER.
//
//   npm start                                              # build, then run
//   ZITADEL_ISSUER=https://acme.zitadel.cloud npm start   # against a real instance
//   PORT=8080 HOST=0.0.0.0 npm start                       # where to listen (default 127.0.0.1:3000)
import type { AddressInfo } from 'node:net';
import { Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { AppModule } from './app.module.js';

async function bootstrap(): Promise<void> {
  const logger = new Logger('Sample');
  const issuer = process.env['ZITADEL_ISSUER'];
  if (issuer === undefined || issuer === '') {
    logger.error('ZITADEL_ISSUER is not set. Set it to your ZITADEL instance URL, e.g. https://acme.zitadel.cloud');
    process.exitCode = 1;
    return;
  }

  const app = await NestFactory.create(AppModule.register({ issuer }));
  app.enableShutdownHooks();
  const host = process.env['HOST'] ?? '127.0.0.1';
  const port = Number(process.env['PORT'] ?? 3000);
  await app.listen(port, host);
  const address = app.getHttpServer().address() as AddressInfo;
  const url = `http://${address.family === 'IPv6' ? `[${address.address}]` : address.address}:${address.port}`;
  logger.log(`ZITADEL issuer: ${issuer}`);
  logger.log(`Sample app listening on ${url} (try GET ${url}/health)`);
}

await bootstrap();
