// `nestjs-webhooks/api`: the management REST API, the dashboard and the customer portal. It needs
// the optional peers @nestjs/swagger, class-validator, class-transformer and csv-stringify.
import './management/api/api-peers.check';

export { WebhooksApiModule } from './management/api/webhooks-api.module';
export type { WebhooksApiModuleOptions, WebhooksPortalOptions, TenantResolver } from './management/api/webhooks-api.options';
export { createWebhooksApiDocument, type WebhooksApiDocumentOptions } from './management/api/webhooks-api.openapi';
export { WebhooksPortal, type PortalLink, type PortalLinkRequest } from './management/api/dashboard/webhooks-portal.service';
