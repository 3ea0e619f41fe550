import { ForbiddenException, Inject, Injectable, UnauthorizedException, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { isObservable, lastValueFrom } from 'rxjs';
import { WEBHOOKS_API_HOST_GUARDS, WEBHOOKS_API_OPTIONS, type WebhooksApiModuleOptions } from './webhooks-api.options';

/** Where the resolved tenant waits on the request for `@ApiTenant()`. */
export const API_TENANT = Symbol.for('webhooks.api.tenant');

/**
 * The one gate of every management route: runs the host's guards in order, then resolves
 * the tenant (401 without one) and keeps it on the request for the handlers.
 */
@Injectable()
export class WebhooksApiGuard implements CanActivate {
  constructor(
    @Inject(WEBHOOKS_API_OPTIONS) private readonly options: WebhooksApiModuleOptions,
    @Inject(WEBHOOKS_API_HOST_GUARDS) private readonly hostGuards: CanActivate[],
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    for (const guard of this.hostGuards) {
      const verdict = guard.canActivate(context);
      const allowed = isObservable(verdict) ? await lastValueFrom(verdict) : await verdict;
      // Same answer as Nest gives for a guard that returns false.
      if (!allowed) throw new ForbiddenException('Forbidden resource');
    }
    const request = context.switchToHttp().getRequest<Record<symbol, unknown>>();
    const tenantId = await this.options.resolveTenant(request);
    if (typeof tenantId !== 'string' || tenantId.length === 0) throw new UnauthorizedException('no tenant for this request');
    request[API_TENANT] = tenantId;
    return true;
  }
}
