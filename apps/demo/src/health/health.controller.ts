import { Controller, Get } from '@nestjs/common';
import { HealthCheck, HealthCheckService } from '@nestjs/terminus';
import { WebhooksHealthIndicator } from 'nestjs-webhooks';

@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly webhooks: WebhooksHealthIndicator,
  ) {}

  /**
   * 200 `ok`; 200 `degraded` when the recent delivery success rate is low; 503 when the
   * database or Redis does not answer or the backlog is late (see docs/operations.md).
   */
  @Get()
  @HealthCheck()
  check() {
    return this.health.check([() => this.webhooks.isHealthy('webhooks')]);
  }
}
