import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';

/** Where the Swagger UI is served; the OpenAPI document is at `/docs-json`. */
export const DOCS_PATH = 'docs';

/** Serves the OpenAPI document and Swagger UI at `/docs`, with ZITADEL access tokens as bearer auth. */
export function setupOpenApi(app: INestApplication): void {
  const config = new DocumentBuilder()
    .setTitle('nestjs-zitadel sample')
    .setDescription('A NestJS API protected by ZITADEL: paste an access token under "Authorize".')
    .setVersion('1.0')
    .addBearerAuth({
      type: 'http',
      scheme: 'bearer',
      description: 'A ZITADEL access token (opaque or JWT) whose audience includes the project',
    })
    .build();
  SwaggerModule.setup(DOCS_PATH, app, () => SwaggerModule.createDocument(app, config));
}
