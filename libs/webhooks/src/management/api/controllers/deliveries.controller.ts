import { Body, Get, HttpCode, HttpStatus, Post, Query, StreamableFile } from '@nestjs/common';
import {
  ApiAcceptedResponse,
  ApiConflictResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiParam,
  ApiProduces,
  ApiTooManyRequestsResponse,
} from '@nestjs/swagger';
import type { DeliveryFilter } from '../../../storage/queries/deliveries.queries';
import { DeliveryExportReader } from '../../../storage/queries/delivery-export.reader';
import { DeliveriesService } from '../../deliveries.service';
import { ApiTenant } from '../api-tenant.decorator';
import { IdParam } from '../api-id.param';
import { WebhooksApiController } from '../webhooks-api-controller.decorator';
import { deliveryExportStream, EXPORT_CONTENT_TYPES } from '../delivery-export.stream';
import { DeliveryExportSlots } from '../delivery-export.slots';
import {
  DeliveryDetailDto,
  DeliveryFilterDto,
  DeliveryPageDto,
  ExportDeliveriesQueryDto,
  ListDeliveriesQueryDto,
  RequeuedDto,
} from '../dto/delivery.dto';
import {
  CancelDeliveriesDto,
  CancelDeliveriesResultDto,
  CancelledDto,
  RecoverDeliveriesDto,
  RecoverDeliveriesResultDto,
  RetryDeliveriesDto,
  RetryDeliveriesResultDto,
} from '../dto/delivery-actions.dto';
import { wantsTotal } from '../dto/page.dto';
import { optionalDate } from './optional-date';

const ID = ApiParam({ name: 'id', format: 'uuid', description: 'Delivery id.' });
const NOT_FOUND = ApiNotFoundResponse({ description: 'No such delivery for this tenant.' });

@WebhooksApiController('deliveries', 'Deliveries')
export class DeliveriesController {
  constructor(
    private readonly deliveries: DeliveriesService,
    private readonly exportReader: DeliveryExportReader,
    private readonly exportSlots: DeliveryExportSlots,
  ) {}

  @Get()
  @ApiOperation({
    summary: 'List deliveries',
    description: "Filter by endpoint, event, event type, status and creation time; newest first; at most 100 a page. Each with its endpoint's URL and what holds it.",
  })
  @ApiOkResponse({ type: DeliveryPageDto })
  list(@ApiTenant() tenantId: string, @Query() query: ListDeliveriesQueryDto): Promise<DeliveryPageDto> {
    return this.deliveries.listDeliveries({ ...toFilter(query), tenantId, limit: query.limit, cursor: query.cursor, includeTotal: wantsTotal(query) });
  }

  @Post('retry')
  @HttpCode(HttpStatus.ACCEPTED)
  @ApiOperation({ summary: 'Retry many deliveries now', description: 'As `POST /deliveries/:id/retry` for each; a refusal is that delivery\'s outcome, the others go ahead.' })
  @ApiAcceptedResponse({ type: RetryDeliveriesResultDto })
  retryMany(@ApiTenant() tenantId: string, @Body() body: RetryDeliveriesDto): Promise<RetryDeliveriesResultDto> {
    return this.deliveries.retryDeliveries(body.deliveryIds, { tenantId });
  }

  @Post('recover')
  @HttpCode(HttpStatus.ACCEPTED)
  @ApiOperation({
    summary: 'Re-send every failed delivery since a time',
    description: 'Queues again the dead letters created since `since`, of every endpoint or one, of every event type or one. Those whose endpoint is deleted or disabled are skipped.',
  })
  @ApiAcceptedResponse({ type: RecoverDeliveriesResultDto })
  @ApiNotFoundResponse({ description: 'No such endpoint for this tenant.' })
  recover(@ApiTenant() tenantId: string, @Body() body: RecoverDeliveriesDto): Promise<RecoverDeliveriesResultDto> {
    return this.deliveries.recoverDeliveries({ tenantId, since: new Date(body.since), endpointId: body.endpointId, eventType: body.eventType });
  }

  @Post('cancel')
  @HttpCode(HttpStatus.OK)
  @ApiOperation({
    summary: 'Cancel the waiting deliveries of an endpoint or an event',
    description:
      'Cancels the pending and retrying deliveries of `endpointId`, of `eventId`, or (with both) of that event for that endpoint: none of them is sent. Those being attempted right now are left to their attempt and counted in `beingAttempted`.',
  })
  @ApiOkResponse({ type: CancelDeliveriesResultDto })
  @ApiNotFoundResponse({ description: 'No such endpoint or event for this tenant.' })
  cancelMany(@ApiTenant() tenantId: string, @Body() body: CancelDeliveriesDto): Promise<CancelDeliveriesResultDto> {
    return this.deliveries.cancelDeliveries({ tenantId, endpointId: body.endpointId, eventId: body.eventId });
  }

  // Declared before ':id' so that "export" is not taken for an id.
  @Get('export')
  @ApiOperation({ summary: 'Export deliveries', description: 'CSV (with a header row) or NDJSON, streamed, newest first; same filters as the list.' })
  @ApiProduces(EXPORT_CONTENT_TYPES.csv, EXPORT_CONTENT_TYPES.ndjson)
  @ApiOkResponse({ description: 'The file, streamed.' })
  @ApiTooManyRequestsResponse({ description: 'As many exports as `maxConcurrentExports` allows are streaming; `Retry-After` says when to try again.' })
  export(@ApiTenant() tenantId: string, @Query() query: ExportDeliveriesQueryDto): StreamableFile {
    const format = query.format ?? 'csv';
    const stream = this.exportSlots.open(() => deliveryExportStream(this.exportReader.rows(tenantId, toFilter(query)), format));
    return new StreamableFile(stream, { type: EXPORT_CONTENT_TYPES[format], disposition: `attachment; filename="deliveries.${format}"` });
  }

  @Get(':id')
  @ID
  @NOT_FOUND
  @ApiOperation({
    summary: 'Read a delivery',
    description: 'With the exact request body it sends and every attempt: request headers as signed, response status, headers and body, duration, error.',
  })
  @ApiOkResponse({ type: DeliveryDetailDto })
  get(@ApiTenant() tenantId: string, @IdParam() id: string): Promise<DeliveryDetailDto> {
    return this.deliveries.getDelivery(id, { tenantId });
  }

  @Post(':id/retry')
  @ID
  @NOT_FOUND
  @HttpCode(HttpStatus.ACCEPTED)
  @ApiOperation({ summary: 'Retry a delivery now', description: 'Works for failed, succeeded and waiting deliveries; attempt numbers continue.' })
  @ApiAcceptedResponse({ type: RequeuedDto })
  @ApiConflictResponse({ description: 'Being attempted right now, or its endpoint is deleted or disabled.' })
  retry(@ApiTenant() tenantId: string, @IdParam() id: string): Promise<RequeuedDto> {
    return this.deliveries.retryDelivery(id, { tenantId });
  }

  @Post(':id/cancel')
  @ID
  @NOT_FOUND
  @HttpCode(HttpStatus.OK)
  @ApiOperation({ summary: 'Cancel a delivery', description: 'A pending or retrying delivery is cancelled and never sent; cancelling a cancelled one changes nothing. It can be retried later.' })
  @ApiOkResponse({ type: CancelledDto })
  @ApiConflictResponse({ description: 'Being attempted right now (the attempt goes on), or it already succeeded or failed.' })
  cancel(@ApiTenant() tenantId: string, @IdParam() id: string): Promise<CancelledDto> {
    return this.deliveries.cancelDelivery(id, { tenantId });
  }
}

function toFilter(query: DeliveryFilterDto): DeliveryFilter {
  return { endpointId: query.endpointId, eventId: query.eventId, eventType: query.eventType, status: query.status, from: optionalDate(query.from), to: optionalDate(query.to) };
}
