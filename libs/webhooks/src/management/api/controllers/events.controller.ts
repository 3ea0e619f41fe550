import { BadRequestException, Body, Get, Headers, HttpCode, HttpStatus, Post, Query } from '@nestjs/common';
import { ApiAcceptedResponse, ApiHeader, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiParam, ApiPayloadTooLargeResponse } from '@nestjs/swagger';
import { EventTypeCatalog } from '../../../publishing/event-type.catalog';
import { WebhooksService } from '../../../publishing/webhooks.service';
import { DeliveriesService } from '../../deliveries.service';
import { ApiTenant } from '../api-tenant.decorator';
import { IdParam } from '../api-id.param';
import { WebhooksApiController } from '../webhooks-api-controller.decorator';
import { wantsTotal } from '../dto/page.dto';
import { EventDetailDto, EventPageDto, ListEventsQueryDto, PublishEventDto, PublishResultDto, ReplayEventDto, ReplayResultDto } from '../dto/event.dto';
import { optionalDate } from './optional-date';

const ID = ApiParam({ name: 'id', format: 'uuid', description: 'Event id.' });
const NOT_FOUND = ApiNotFoundResponse({ description: 'No such event for this tenant.' });

@WebhooksApiController('events', 'Events')
export class EventsController {
  constructor(
    private readonly webhooks: WebhooksService,
    private readonly catalog: EventTypeCatalog,
    private readonly deliveries: DeliveriesService,
  ) {}

  @Post()
  @HttpCode(HttpStatus.ACCEPTED)
  @ApiOperation({
    summary: 'Publish an event',
    description: 'Creates one delivery per endpoint of the tenant subscribed to the type, which must be in the catalog (when there is one).',
  })
  @ApiHeader({ name: 'Idempotency-Key', required: false, description: 'Publishing again with the same key returns the first event and sends nothing new (1 to 255 characters).' })
  @ApiAcceptedResponse({ type: PublishResultDto })
  @ApiPayloadTooLargeResponse({ description: '`data` is larger than the configured limit.' })
  publish(@ApiTenant() tenantId: string, @Body() body: PublishEventDto, @Headers('idempotency-key') idempotencyKey?: string): Promise<PublishResultDto> {
    // Callers of the API publish catalog types only (when the host keeps a catalog); code in
    // the host may publish any type through WebhooksService.
    const catalog = this.catalog.list();
    if (catalog.length > 0 && !this.catalog.has(body.type)) throw new BadRequestException(`type: unknown event type "${body.type.slice(0, 255)}"`);
    return this.webhooks.publish(body.type, body.data, { tenantId, idempotencyKey });
  }

  @Get()
  @ApiOperation({
    summary: 'List events',
    description: 'Newest first, cursor pagination, without payloads, each with how its deliveries stand. Find one by `eventId` or by one of its deliveries (`deliveryId`).',
  })
  @ApiOkResponse({ type: EventPageDto })
  list(@ApiTenant() tenantId: string, @Query() query: ListEventsQueryDto): Promise<EventPageDto> {
    return this.deliveries.listEvents({
      tenantId,
      eventType: query.eventType,
      eventId: query.eventId,
      deliveryId: query.deliveryId,
      from: optionalDate(query.from),
      to: optionalDate(query.to),
      limit: query.limit,
      cursor: query.cursor,
      includeTotal: wantsTotal(query),
    });
  }

  @Get(':id')
  @ID
  @NOT_FOUND
  @ApiOperation({ summary: 'Read an event', description: 'With its payload and its deliveries.' })
  @ApiOkResponse({ type: EventDetailDto })
  get(@ApiTenant() tenantId: string, @IdParam() id: string): Promise<EventDetailDto> {
    return this.deliveries.getEvent(id, { tenantId });
  }

  @Post(':id/replay')
  @ID
  @NOT_FOUND
  @HttpCode(HttpStatus.ACCEPTED)
  @ApiOperation({
    summary: 'Send an event again',
    description:
      'One new delivery for each endpoint that received the event and is neither deleted nor disabled (of `endpointIds` only, when given); earlier deliveries stay as they were.',
  })
  @ApiAcceptedResponse({ type: ReplayResultDto })
  replay(@ApiTenant() tenantId: string, @IdParam() id: string, @Body() body: ReplayEventDto): Promise<ReplayResultDto> {
    return this.deliveries.replayEvent(id, { tenantId, endpointIds: body?.endpointIds });
  }
}
