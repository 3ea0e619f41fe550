// Dropped into a consumer app after its quickstart run: the optional parts a host adds next
// (management API and dashboard, Terminus health, Prometheus metrics, EventEmitter2 domain
// events), each through its public entry point and its optional peer packages.
import { Controller, Get, Header, Injectable, Module, Post, type CanActivate } from '@nestjs/common';
import { EventEmitter2, EventEmitterModule } from '@nestjs/event-emitter';
import { HealthCheck, HealthCheckService, TerminusModule } from '@nestjs/terminus';
import { WebhooksHealthIndicator, WebhooksMetrics } from 'nestjs-webhooks';
import { WebhooksApiModule } from 'nestjs-webhooks/api';

@Injectable()
class OpenDoor implements CanActivate {
  canActivate(): boolean {
    return true;
  }
}

@Controller('ops')
class OperationsController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly webhooksHealth: WebhooksHealthIndicator,
    private readonly webhooksMetrics: WebhooksMetrics,
    private readonly events: EventEmitter2,
  ) {}

  @Get('health')
  @HealthCheck()
  check() {
    return this.health.check([() => this.webhooksHealth.isHealthy()]);
  }

  @Get('metrics')
  @Header('content-type', 'text/plain')
  metrics(): Promise<string> {
    return this.webhooksMetrics.metrics();
  }

  @Post('orders')
  order(): { ok: boolean } {
    this.events.emit('order.created', { id: 'order-1' });
    return { ok: true };
  }
}

@Module({
  imports: [
    EventEmitterModule.forRoot(),
    TerminusModule,
    WebhooksApiModule.forRoot({ guards: [OpenDoor], resolveTenant: () => 'acme', dashboard: true }),
  ],
  controllers: [OperationsController],
  providers: [OpenDoor],
})
export class ExtrasModule {}
