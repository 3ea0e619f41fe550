import { Get, HttpCode, HttpStatus, Post, Query, StreamableFile } from '@nestjs/common';
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
import { DeliveriesQueries, type DeliveryFilter } from '../../queries/deliveries.queries';
import { DeliveryExportReader } from '../../queries/delivery-export.reader';
import { ApiTenant } from '../api-tenant.decorator';
import { IdParam } from '../api-id.param';
import { WebhooksApiController } from '../webhooks-api-controller.decorator';
import { deliveryExportStream, EXPORT_CONTENT_TYPES } from '../delivery-export.stream';
import { DeliveryExportSlots } from '../delivery-export.slots';
import {
  AttemptDto,
  DeliveryDetailDto,
  DeliveryDto,
  DeliveryFilterDto,
  DeliveryPageDto,
  ExportDeliveriesQueryDto,
  ListDeliveriesQueryDto,
  RequeuedDto,
} from '../dto/delivery.dto';
import { DEFAULT_PAGE_SIZE } from '../dto/page.dto';
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
  ) {}

  @Get()
  @ApiOperation({ summary: 'List deliveries', description: 'Filter by endpoint, event type, status and creation time; newest first; at most 100 a page.' })
  @ApiOkResponse({ type: DeliveryPageDto })
  async list(@ApiTenant() tenantId: string, @Query() query: ListDeliveriesQueryDto): Promise<DeliveryPageDto> {
    const page = await this.queries.list(tenantId, toFilter(query), { limit: query.limit ?? DEFAULT_PAGE_SIZE, cursor: query.cursor });
    return { data: page.data.map((delivery) => DeliveryDto.from(delivery)), nextCursor: page.nextCursor };
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
  @ApiOperation({ summary: 'Read a delivery', description: 'With every attempt: request headers, response status, headers and body, duration, error.' })
  @ApiOkResponse({ type: DeliveryDetailDto })
  async get(@ApiTenant() tenantId: string, @IdParam() id: string): Promise<DeliveryDetailDto> {
    const { delivery, attempts } = await this.queries.detail(tenantId, id);
    return { ...DeliveryDto.from(delivery), attempts: attempts.map((attempt) => AttemptDto.from(attempt)) };
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
  return { endpointId: query.endpointId, eventType: query.eventType, status: query.status, from: optionalDate(query.from), to: optionalDate(query.to) };
}
