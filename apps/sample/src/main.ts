// Starts the sample app. Without ZITADEL_ISSUER it starts the embedded ZITADEL emulator
// (`nestjs-zitadel/testing`) on loopback and uses that, so it runs on a fresh clone.
//
//   npm start                                              # build, then run with the emulator
//   ZITADEL_ISSUER=https://acme.zitadel.cloud npm start   # against a real instance
//   PORT=8080 HOST=0.0.0.0 npm start                       # where to listen (default 127.0.0.1:3000)
import type { AddressInfo } from 'node:net';
import { Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { AppModule } from './app.module.js';

async function bootstrap(): Promise<void> {
  const logger = new Logger('Sample');
  let issuer = process.env['ZITADEL_ISSUER'];
  if (issuer === undefined || issuer === '') {
    // Loaded only when needed: a deployment with a real ZITADEL never loads the testing entry point.
    const { ZitadelEmulator } = await import('nestjs-zitadel/testing');
    const emulator = await ZitadelEmulator.start();
    issuer = emulator.issuer;
    logger.log(`ZITADEL_ISSUER is not set: started the embedded ZITADEL emulator at ${issuer}`);
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
