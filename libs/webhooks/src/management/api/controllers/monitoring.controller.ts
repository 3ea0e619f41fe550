import { Get, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiServiceUnavailableResponse } from '@nestjs/swagger';
import { EventTypeCatalog } from '../../../publishing/event-type.catalog';
import { DeliveriesQueries } from '../../../storage/queries/deliveries.queries';
import { DeliveryStatsQueries } from '../../../storage/queries/delivery-stats.queries';
import { DeliveryTimeseriesQueries } from '../../../storage/queries/delivery-timeseries.queries';
import { AttemptTimeseriesQueries } from '../../../storage/queries/attempt-timeseries.queries';
import { EndpointsService } from '../../endpoints.service';
import { QueueStatusReader } from '../../queue-status.reader';
import { ApiTenant } from '../api-tenant.decorator';
import { WebhooksApiController } from '../webhooks-api-controller.decorator';
import { DeliveryDto, FailureListDto, FailuresQueryDto } from '../dto/delivery.dto';
import { EventTypeListDto } from '../dto/event.dto';
import { DeliveryStatsDto, QueueStatusDto, StatsQueryDto } from '../dto/stats.dto';
import { DEFAULT_TIMESERIES_BUCKETS, TimeseriesDto, TimeseriesQueryDto } from '../dto/timeseries.dto';
import { statsWindow } from './stats-window';

const DEFAULT_FAILURES = 10;

@WebhooksApiController('', 'Monitoring')
export class MonitoringController {
  constructor(
    private readonly catalog: EventTypeCatalog,
    private readonly stats: DeliveryStatsQueries,
    private readonly deliveries: DeliveriesQueries,
    private readonly queue: QueueStatusReader,
    private readonly timeseries: DeliveryTimeseriesQueries,
    private readonly endpoints: EndpointsService,
    private readonly attemptTimeseries: AttemptTimeseriesQueries,
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

  @Get('stats/timeseries')
  @ApiOperation({
    summary: 'Statistics over time',
    description:
      'The last `hours` hours cut into `buckets` equal buckets: succeeded, failed, success rate, attempts, latency p50/p95. By delivery creation time, or with `by=attempt` by the time attempts were made, with status codes and event types per bucket. For charts.',
  })
  @ApiOkResponse({ type: TimeseriesDto })
  async statisticsOverTime(@ApiTenant() tenantId: string, @Query() query: TimeseriesQueryDto): Promise<TimeseriesDto> {
    // Another tenant's endpoint answers 404, like one that does not exist.
    if (query.endpointId) await this.endpoints.get(query.endpointId, { tenantId });
    const window = { ...statsWindow(query.hours), endpointId: query.endpointId };
    const buckets = query.buckets ?? DEFAULT_TIMESERIES_BUCKETS;
    const by = query.by ?? 'created';
    const data = by === 'attempt' ? await this.attemptTimeseries.compute(tenantId, window, buckets) : await this.timeseries.compute(tenantId, window, buckets);
    return { from: window.from, to: window.to, endpointId: query.endpointId ?? null, by, data };
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
