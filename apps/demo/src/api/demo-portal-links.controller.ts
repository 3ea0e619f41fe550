import { WebhooksPortal, type PortalLink } from 'nestjs-webhooks/api';
import { Controller, HttpCode, HttpStatus, Post, Req, UseGuards } from '@nestjs/common';
import { DemoApiKeyGuard, type DemoApiRequest } from './demo-api-key.guard';

/**
 * Mints a customer-portal link for the caller's tenant: what a host app does when its user
 * clicks "Manage webhooks". Behind the demo's API key, like the management API.
 */
@Controller('demo/portal-links')
@UseGuards(DemoApiKeyGuard)
export class DemoPortalLinksController {
  constructor(private readonly portal: WebhooksPortal) {}

  @Post()
  @HttpCode(HttpStatus.CREATED)
  create(@Req() request: DemoApiRequest & { protocol: string; get(name: string): string | undefined }): Pick<PortalLink, 'url' | 'expiresAt'> {
    const { url, expiresAt } = this.portal.createLink({ tenantId: request.tenantId as string, baseUrl: `${request.protocol}://${request.get('host')}` });
    return { url, expiresAt };
  }
}
