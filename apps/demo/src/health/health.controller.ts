import { Controller, Get } from '@nestjs/common';
import { HealthCheck, HealthCheckService } from '@nestjs/terminus';
import { WebhooksHealthIndicator } from '@app/webhooks';

@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly webhooks: WebhooksHealthIndicator,
  ) {}

  /** 200 when the database and Redis answer; 503 (Terminus) when either does not. */
  @Get()
  @HealthCheck()
  check() {
    return this.health.check([() => this.webhooks.isHealthy('webhooks')]);
  }
}
