import { ForbiddenException, Inject, Injectable, UnauthorizedException, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { isObservable, lastValueFrom } from 'rxjs';
import { WebhooksPortal } from './dashboard/webhooks-portal.service';
import { WEBHOOKS_API_HOST_GUARDS, WEBHOOKS_API_OPTIONS, type WebhooksApiModuleOptions } from './webhooks-api.options';

/** Where the resolved tenant waits on the request for `@ApiTenant()`. */
export const API_TENANT = Symbol.for('webhooks.api.tenant');

/**
 * The one gate of every management route: runs the host's guards in order, then resolves
 * the tenant (401 without one) and keeps it on the request for the handlers. A valid portal
 * token stands in for both: its tenant is the caller's, and the host's guards are not asked.
 */
@Injectable()
export class WebhooksApiGuard implements CanActivate {
  constructor(
    @Inject(WEBHOOKS_API_OPTIONS) private readonly options: WebhooksApiModuleOptions,
    @Inject(WEBHOOKS_API_HOST_GUARDS) private readonly hostGuards: CanActivate[],
    private readonly portal: WebhooksPortal,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<Record<symbol, unknown> & { headers?: Record<string, string | string[] | undefined> }>();
    const portalTenant = this.portal.tenantOf(request);
    if (portalTenant !== undefined) {
      request[API_TENANT] = portalTenant;
      return true;
    }
    for (const guard of this.hostGuards) {
      const verdict = guard.canActivate(context);
      const allowed = isObservable(verdict) ? await lastValueFrom(verdict) : await verdict;
      // Same answer as Nest gives for a guard that returns false.
      if (!allowed) throw new ForbiddenException('Forbidden resource');
    }
    const tenantId = await this.options.resolveTenant(request);
    if (typeof tenantId !== 'string' || tenantId.length === 0) throw new UnauthorizedException('no tenant for this request');
    request[API_TENANT] = tenantId;
    return true;
  }
}
