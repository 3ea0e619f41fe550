import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import { API_TENANT } from './webhooks-api.guard';

/** The caller's tenant id, as resolved by `WebhooksApiGuard`. */
export const ApiTenant = createParamDecorator((_data: unknown, context: ExecutionContext): string => {
  const tenantId = context.switchToHttp().getRequest<Record<symbol, unknown>>()[API_TENANT];
  // The guard runs first on every route; reaching here without a tenant is a wiring bug.
  if (typeof tenantId !== 'string') throw new Error('management route reached without a resolved tenant');
  return tenantId;
});
