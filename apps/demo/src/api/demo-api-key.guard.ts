import { Inject, Injectable, UnauthorizedException, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { timingSafeEqual } from 'node:crypto';
import { DEMO_CONFIG } from '../config/demo-config.module';
import type { DemoConfig } from '../config/demo-config';

/** The request after the guard: which tenant the API key acts for. */
export interface DemoApiRequest {
  headers: Record<string, string | string[] | undefined>;
  tenantId?: string;
}

/**
 * The demo's authentication for the management API: an `x-api-key` header from
 * `DEMO_API_KEYS`, each key acting for one tenant. A real host would use its own sessions or keys.
 */
@Injectable()
export class DemoApiKeyGuard implements CanActivate {
  private readonly keys: Array<[Buffer, string]>;

  constructor(@Inject(DEMO_CONFIG) config: DemoConfig) {
    this.keys = Object.entries(config.apiKeys).map(([key, tenant]) => [Buffer.from(key), tenant]);
  }

  canActivate(context: ExecutionContext): boolean {
    const request = context.switchToHttp().getRequest<DemoApiRequest>();
    const given = request.headers['x-api-key'];
    if (typeof given !== 'string' || !given) throw new UnauthorizedException('x-api-key header is missing');
    const candidate = Buffer.from(given);
    const match = this.keys.find(([key]) => key.length === candidate.length && timingSafeEqual(key, candidate));
    if (!match) throw new UnauthorizedException('x-api-key is not valid');
    request.tenantId = match[1];
    return true;
  }
}
