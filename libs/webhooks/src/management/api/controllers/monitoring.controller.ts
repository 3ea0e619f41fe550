import { Get, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiServiceUnavailableResponse } from '@nestjs/swagger';
import { EventTypeCatalog } from '../../../publishing/event-type.catalog';
import { DeliveriesQueries } from '../../queries/deliveries.queries';
import { DeliveryStatsQueries } from '../../queries/delivery-stats.queries';
import { QueueStatusQueries } from '../../queries/queue-status.queries';
import { ApiTenant } from '../api-tenant.decorator';
import { WebhooksApiController } from '../webhooks-api-controller.decorator';
import { DeliveryDto, FailureListDto, FailuresQueryDto } from '../dto/delivery.dto';
import { EventTypeListDto } from '../dto/event.dto';
import { DeliveryStatsDto, QueueStatusDto, StatsQueryDto } from '../dto/stats.dto';
import { statsWindow } from './stats-window';

const DEFAULT_FAILURES = 10;

@WebhooksApiController('', 'Monitoring')
export class MonitoringController {
  constructor(
    private readonly catalog: EventTypeCatalog,
    private readonly stats: DeliveryStatsQueries,
    private readonly deliveries: DeliveriesQueries,
    private readonly queue: QueueStatusQueries,
  ) {}

  @Get('event-types')
  @ApiOperation({ summary: 'The event type catalog', description: 'The types endpoints may subscribe to, with description, schema and example.' })
  @ApiOkResponse({ type: EventTypeListDto })
  eventTypes(): EventTypeListDto {
    return { data: this.catalog.list() };
  }

  @Get('stats')
  @ApiOperation({
    summary: 'Delivery statistics',
    description: 'Over the deliveries created in the last `hours` hours: counts, success rate, attempts, latency (nearest-rank p50/p95), by event type and by status code.',
  })
  @ApiOkResponse({ type: DeliveryStatsDto })
  statistics(@ApiTenant() tenantId: string, @Query() query: StatsQueryDto): Promise<DeliveryStatsDto> {
    return this.stats.compute(tenantId, statsWindow(query.hours));
  }

  @Get('failures')
  @ApiOperation({ summary: 'Recent failures', description: 'The most recently dead-lettered deliveries.' })
  @ApiOkResponse({ type: FailureListDto })
  async failures(@ApiTenant() tenantId: string, @Query() query: FailuresQueryDto): Promise<FailureListDto> {
    const failures = await this.deliveries.recentFailures(tenantId, query.limit ?? DEFAULT_FAILURES);
    return { data: failures.map(({ delivery, endpointUrl }) => ({ ...DeliveryDto.from(delivery), endpointUrl })) };
  }

  @Get('queue')
  @ApiOperation({ summary: 'Queue and backlog', description: "Bull job counts (null without Redis) and the tenant's deliveries due now." })
  @ApiOkResponse({ type: QueueStatusDto })
  @ApiServiceUnavailableResponse({ description: 'Redis did not answer.' })
  queueStatus(@ApiTenant() tenantId: string): Promise<QueueStatusDto> {
    return this.queue.status(tenantId);
  }
}
