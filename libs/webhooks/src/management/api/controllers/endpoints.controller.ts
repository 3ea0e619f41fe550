import { Body, Delete, Get, HttpCode, HttpStatus, Patch, Post, Query } from '@nestjs/common';
import {
  ApiAcceptedResponse,
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiParam,
} from '@nestjs/swagger';
import { EndpointsService } from '../../endpoints.service';
import { EndpointTester } from '../../actions/endpoint-tester';
import { DeliveriesService } from '../../deliveries.service';
import { EndpointsQueries } from '../../../storage/queries/endpoints.queries';
import { DeliveryStatsQueries } from '../../../storage/queries/delivery-stats.queries';
import { EndpointStatsQueries } from '../../../storage/queries/endpoint-stats.queries';
import { successRates } from '../../../storage/queries/ratios';
import { deliveryHoldOf } from '../../endpoint-health';
import { DeliveryStatus } from '../../../storage/entities/delivery.entity';
import { ApiTenant } from '../api-tenant.decorator';
import { IdParam } from '../api-id.param';
import { WebhooksApiController } from '../webhooks-api-controller.decorator';
import { statsWindow } from './stats-window';
import { definedOnly } from '../defined-only';
import { DEFAULT_PAGE_SIZE, wantsTotal } from '../dto/page.dto';
import { CreateEndpointDto, ListEndpointsQueryDto, RecoverEndpointDto, RotateSecretDto, TestEndpointDto, UpdateEndpointDto } from '../dto/endpoint-requests.dto';
import { EndpointStatsListDto, EndpointStatsQueryDto } from '../dto/endpoint-stats.dto';
import { EndpointDto, EndpointPageDto, EndpointTestResultDto, EndpointWithSecretDto, RecoverResultDto } from '../dto/endpoint-responses.dto';
import { DeliveryStatsDto, StatsQueryDto } from '../dto/stats.dto';

const ID = ApiParam({ name: 'id', format: 'uuid', description: 'Endpoint id.' });
const NOT_FOUND = ApiNotFoundResponse({ description: 'No such endpoint for this tenant.' });

@WebhooksApiController('endpoints', 'Endpoints')
export class EndpointsController {
  constructor(
    private readonly endpoints: EndpointsService,
    private readonly queries: EndpointsQueries,
    private readonly tester: EndpointTester,
    private readonly deliveries: DeliveriesService,
    private readonly stats: DeliveryStatsQueries,
    private readonly rowStats: EndpointStatsQueries,
  ) {}

  @Post()
  @ApiOperation({ summary: 'Create an endpoint', description: 'The answer is the only one that shows the secret in full.' })
  @ApiCreatedResponse({ type: EndpointWithSecretDto })
  @ApiConflictResponse({ description: 'This tenant already has an endpoint with this URL, or as many endpoints as `maxEndpointsPerTenant` allows.' })
  async create(@ApiTenant() tenantId: string, @Body() body: CreateEndpointDto): Promise<EndpointWithSecretDto> {
    const endpoint = await this.endpoints.create({ ...definedOnly(body), tenantId });
    return EndpointWithSecretDto.withSecret(endpoint);
  }

  @Get()
  @ApiOperation({ summary: 'List endpoints', description: 'Newest first, cursor pagination; secrets masked. `search` matches part of the URL or description.' })
  @ApiOkResponse({ type: EndpointPageDto })
  async list(@ApiTenant() tenantId: string, @Query() query: ListEndpointsQueryDto): Promise<EndpointPageDto> {
    const filter = { status: query.status, eventType: query.eventType, search: query.search };
    const [page, total] = await Promise.all([
      this.queries.list(tenantId, filter, { limit: query.limit ?? DEFAULT_PAGE_SIZE, cursor: query.cursor }),
      wantsTotal(query) ? this.queries.count(tenantId, filter) : undefined,
    ]);
    return { data: page.data.map((endpoint) => EndpointDto.from(endpoint)), nextCursor: page.nextCursor, total };
  }

  // Declared before ':id' so that "stats" is not taken for an id.
  @Get('stats')
  @ApiOperation({
    summary: 'Statistics of many endpoints at once',
    description: 'For a page of the list: per endpoint, deliveries by status over the window, both success rates, what waits now and when it is next due. One request, two grouped reads.',
  })
  @ApiOkResponse({ type: EndpointStatsListDto })
  async manyStats(@ApiTenant() tenantId: string, @Query() query: EndpointStatsQueryDto): Promise<EndpointStatsListDto> {
    const window = statsWindow(query.hours);
    const endpoints = await this.queries.byIds(tenantId, query.endpointIds);
    const ids = query.endpointIds.filter((id, index, all) => endpoints.has(id) && all.indexOf(id) === index);
    if (ids.length === 0) return { ...window, data: [] };
    const [counts, waiting] = await Promise.all([this.rowStats.countsByEndpoint(tenantId, ids, window), this.rowStats.waitingByEndpoint(tenantId, ids)]);
    const data = ids.map((endpointId) => {
      const deliveries = counts.get(endpointId)!;
      const now = waiting.get(endpointId)!;
      const holds = deliveryHoldOf(DeliveryStatus.Retrying, endpoints.get(endpointId), window.to) !== null;
      return { endpointId, deliveries: { ...deliveries, held: holds ? deliveries.pending + deliveries.retrying : 0 }, ...successRates(deliveries), ...now };
    });
    return { ...window, data };
  }

  @Get(':id')
  @ID
  @NOT_FOUND
  @ApiOperation({ summary: 'Read an endpoint' })
  @ApiOkResponse({ type: EndpointDto })
  async get(@ApiTenant() tenantId: string, @IdParam() id: string): Promise<EndpointDto> {
    return EndpointDto.from(await this.endpoints.get(id, { tenantId }));
  }

  @Patch(':id')
  @ID
  @NOT_FOUND
  @ApiOperation({ summary: 'Update an endpoint', description: 'URL, description, event types, headers, rate limit, timeout, retry schedule, metadata, status.' })
  @ApiOkResponse({ type: EndpointDto })
  @ApiConflictResponse({ description: 'Another endpoint of this tenant has this URL.' })
  async update(@ApiTenant() tenantId: string, @IdParam() id: string, @Body() body: UpdateEndpointDto): Promise<EndpointDto> {
    return EndpointDto.from(await this.endpoints.update(id, definedOnly(body), { tenantId }));
  }

  @Delete(':id')
  @ID
  @NOT_FOUND
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiOperation({ summary: 'Delete an endpoint', description: 'Soft delete; its pending and retrying deliveries are cancelled.' })
  @ApiNoContentResponse({ description: 'Deleted.' })
  async remove(@ApiTenant() tenantId: string, @IdParam() id: string): Promise<void> {
    await this.endpoints.remove(id, { tenantId });
  }

  @Post(':id/rotate-secret')
  @ID
  @NOT_FOUND
  @HttpCode(HttpStatus.OK)
  @ApiOperation({
    summary: 'Rotate the signing secret',
    description: 'The old secret keeps signing next to the new one for `overlapSeconds` (default 24 h); at most 5 old secrets are kept.',
  })
  @ApiOkResponse({ type: EndpointWithSecretDto })
  async rotateSecret(@ApiTenant() tenantId: string, @IdParam() id: string, @Body() body: RotateSecretDto): Promise<EndpointWithSecretDto> {
    return EndpointWithSecretDto.withSecret(await this.endpoints.rotateSecret(id, definedOnly(body), { tenantId }));
  }

  @Post(':id/test')
  @ID
  @NOT_FOUND
  @HttpCode(HttpStatus.OK)
  @ApiOperation({
    summary: 'Send a test event now',
    description:
      'A `webhook.test` event (or, with `eventType`, the catalog example of that type) to this endpoint only; answers how the endpoint responded, within its timeout. When its circuit, rate limit or a full slot holds the endpoint, nothing is sent (`sent: false`), `heldBecause` says why and `nextAttemptAt` until when the test delivery waits.',
  })
  @ApiOkResponse({ type: EndpointTestResultDto })
  @ApiConflictResponse({ description: 'The endpoint is disabled or paused.' })
  test(@ApiTenant() tenantId: string, @IdParam() id: string, @Body() body: TestEndpointDto): Promise<EndpointTestResultDto> {
    return this.tester.test(tenantId, id, body?.eventType);
  }

  @Post(':id/recover')
  @ID
  @NOT_FOUND
  @HttpCode(HttpStatus.ACCEPTED)
  @ApiOperation({ summary: 'Re-send failed deliveries', description: "Queues again the endpoint's dead-lettered deliveries created since `since`." })
  @ApiAcceptedResponse({ type: RecoverResultDto })
  @ApiConflictResponse({ description: 'The endpoint is disabled.' })
  recover(@ApiTenant() tenantId: string, @IdParam() id: string, @Body() body: RecoverEndpointDto): Promise<RecoverResultDto> {
    return this.deliveries.recoverEndpoint(id, new Date(body.since), { tenantId });
  }

  @Get(':id/stats')
  @ID
  @NOT_FOUND
  @ApiOperation({ summary: 'Statistics of one endpoint', description: 'Same figures as `GET /stats`, for this endpoint.' })
  @ApiOkResponse({ type: DeliveryStatsDto })
  async endpointStats(@ApiTenant() tenantId: string, @IdParam() id: string, @Query() query: StatsQueryDto): Promise<DeliveryStatsDto> {
    await this.endpoints.get(id, { tenantId });
    return this.stats.compute(tenantId, { ...statsWindow(query.hours), endpointId: id });
  }
}

