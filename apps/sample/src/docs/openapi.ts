import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { createZitadelDocument } from 'nestjs-zitadel/swagger';

/** Where the Swagger UI is served; the OpenAPI document is at `/docs-json`. */
export const DOCS_PATH = 'docs';

/**
 * Serves the OpenAPI document and Swagger UI at `/docs`. The bearer scheme and each guarded
 * route's 401 / 403 / 503 come from `nestjs-zitadel/swagger`, read from `@Public` and `@Roles`;
 * the controllers declare only their own answers.
 */
export function setupOpenApi(app: INestApplication): void {
  const config = new DocumentBuilder()
    .setTitle('nestjs-zitadel sample')
    .setDescription('A NestJS API protected by ZITADEL: paste an access token under "Authorize".')
    .setVersion('1.0')
    .build();
  SwaggerModule.setup(DOCS_PATH, app, () => createZitadelDocument(app, config));
}
