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
import { DeliveryRequeuer } from '../../actions/delivery-requeuer';
import { DeliveriesQueries, type DeliveryFilter } from '../../../storage/queries/deliveries.queries';
import { DeliveryExportReader } from '../../../storage/queries/delivery-export.reader';
import { EndpointsQueries } from '../../../storage/queries/endpoints.queries';
import { buildEnvelope } from '../../../delivery/webhook-request.builder';
import { deliveryDetail, deliveryListItem } from '../delivery-views';
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
import { RecoverDeliveriesDto, RecoverDeliveriesResultDto, RetryDeliveriesDto, RetryDeliveriesResultDto } from '../dto/delivery-actions.dto';
import { DEFAULT_PAGE_SIZE, wantsTotal } from '../dto/page.dto';
import { optionalDate } from './optional-date';

const ID = ApiParam({ name: 'id', format: 'uuid', description: 'Delivery id.' });
const NOT_FOUND = ApiNotFoundResponse({ description: 'No such delivery for this tenant.' });

@WebhooksApiController('deliveries', 'Deliveries')
export class DeliveriesController {
  constructor(
    private readonly queries: DeliveriesQueries,
    private readonly exportReader: DeliveryExportReader,
    private readonly exportSlots: DeliveryExportSlots,
    private readonly requeuer: DeliveryRequeuer,
    private readonly endpoints: EndpointsQueries,
  ) {}

  @Get()
  @ApiOperation({
    summary: 'List deliveries',
    description: "Filter by endpoint, event, event type, status and creation time; newest first; at most 100 a page. Each with its endpoint's URL and what holds it.",
  })
  @ApiOkResponse({ type: DeliveryPageDto })
  async list(@ApiTenant() tenantId: string, @Query() query: ListDeliveriesQueryDto): Promise<DeliveryPageDto> {
    const filter = toFilter(query);
    const [page, total] = await Promise.all([
      this.queries.list(tenantId, filter, { limit: query.limit ?? DEFAULT_PAGE_SIZE, cursor: query.cursor }),
      wantsTotal(query) ? this.queries.count(tenantId, filter) : undefined,
    ]);
    const endpoints = await this.endpoints.byIds(tenantId, page.data.map((delivery) => delivery.endpointId));
    return { data: page.data.map((delivery) => deliveryListItem(delivery, endpoints)), nextCursor: page.nextCursor, total };
  }

  @Post('retry')
  @HttpCode(HttpStatus.ACCEPTED)
  @ApiOperation({ summary: 'Retry many deliveries now', description: 'As `POST /deliveries/:id/retry` for each; a refusal is that delivery\'s outcome, the others go ahead.' })
  @ApiAcceptedResponse({ type: RetryDeliveriesResultDto })
  async retryMany(@ApiTenant() tenantId: string, @Body() body: RetryDeliveriesDto): Promise<RetryDeliveriesResultDto> {
    const data = await this.requeuer.retryEach(tenantId, body.deliveryIds);
    const retried = data.filter((outcome) => outcome.error === null).length;
    return { retried, refused: data.length - retried, data };
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
    return this.requeuer.recoverMatching(tenantId, { since: new Date(body.since), endpointId: body.endpointId, eventType: body.eventType });
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
  async get(@ApiTenant() tenantId: string, @IdParam() id: string): Promise<DeliveryDetailDto> {
    const { delivery, attempts, event } = await this.queries.detail(tenantId, id);
    const endpoints = await this.endpoints.byIds(tenantId, [delivery.endpointId]);
    return deliveryDetail(delivery, attempts, event ? buildEnvelope(event) : null, endpoints);
  }

  @Post(':id/retry')
  @ID
  @NOT_FOUND
  @HttpCode(HttpStatus.ACCEPTED)
  @ApiOperation({ summary: 'Retry a delivery now', description: 'Works for failed, succeeded and waiting deliveries; attempt numbers continue.' })
  @ApiAcceptedResponse({ type: RequeuedDto })
  @ApiConflictResponse({ description: 'Being attempted right now, or its endpoint is deleted or disabled.' })
  async retry(@ApiTenant() tenantId: string, @IdParam() id: string): Promise<RequeuedDto> {
    const delivery = await this.requeuer.retry(tenantId, id);
    return { deliveryId: delivery.id, status: delivery.status };
  }
}

function toFilter(query: DeliveryFilterDto): DeliveryFilter {
  return { endpointId: query.endpointId, eventId: query.eventId, eventType: query.eventType, status: query.status, from: optionalDate(query.from), to: optionalDate(query.to) };
}
