import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, SwaggerModule, type OpenAPIObject, type SecuritySchemeObject } from '@nestjs/swagger';
import { WEBHOOKS_API_SECURITY } from './webhooks-api-controller.decorator';
import { WebhooksApiModule } from './webhooks-api.module';

export interface WebhooksApiDocumentOptions {
  title?: string;
  description?: string;
  version?: string;
  /** How callers authenticate with the host's guard. Default: an `x-api-key` header. */
  security?: SecuritySchemeObject;
  /** Also document the routes of these host modules. Default: only the management API. */
  include?: Function[];
}

/**
 * The OpenAPI document of the management API, ready for `SwaggerModule.setup('docs', app, document)`.
 *
 * @publicApi
 */
export function createWebhooksApiDocument(app: INestApplication, options: WebhooksApiDocumentOptions = {}): OpenAPIObject {
  const config = new DocumentBuilder()
    .setTitle(options.title ?? 'Webhooks management API')
    .setDescription(options.description ?? 'Endpoints, events, deliveries and statistics of the webhooks this service sends.')
    .setVersion(options.version ?? '1')
    .addSecurity(WEBHOOKS_API_SECURITY, options.security ?? { type: 'apiKey', in: 'header', name: 'x-api-key' })
    .build();
  return SwaggerModule.createDocument(app, config, { include: [WebhooksApiModule, ...(options.include ?? [])] });
}
