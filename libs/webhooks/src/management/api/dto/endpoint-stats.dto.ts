import { ApiProperty } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { ArrayMaxSize, ArrayNotEmpty, IsArray, IsUUID } from 'class-validator';
import { DeliveryCountsDto, StatsQueryDto } from './stats.dto';

export const MAX_ENDPOINTS_PER_STATS_REQUEST = 100;

/** The window of `StatsQueryDto` (`hours`), for a page of endpoints. */
export class EndpointStatsQueryDto extends StatsQueryDto {
  @ApiProperty({ description: `Comma-separated endpoint ids, 1 to ${MAX_ENDPOINTS_PER_STATS_REQUEST} (a page of the list).`, example: '3f0c…,9d2e…' })
  @Transform(({ value }) => (typeof value === 'string' ? value.split(',').map((id) => id.trim().toLowerCase()).filter(Boolean) : value))
  @IsArray()
  @ArrayNotEmpty({ message: 'endpointIds must name at least one endpoint' })
  @ArrayMaxSize(MAX_ENDPOINTS_PER_STATS_REQUEST)
  @IsUUID('all', { each: true, message: 'endpointIds must be comma-separated UUIDs' })
  endpointIds: string[];
}

export class EndpointRowStatsDto {
  @ApiProperty({ format: 'uuid' }) endpointId: string;

  @ApiProperty({ type: DeliveryCountsDto, description: 'Deliveries created in the window, by status; `held`: the waiting ones the endpoint holds now.' })
  deliveries: DeliveryCountsDto;

  @ApiProperty({ type: Number, nullable: true, description: 'succeeded / (succeeded + failed).' })
  successRate: number | null;

  @ApiProperty({ type: Number, nullable: true, description: 'succeeded / (succeeded + failed + retrying).' })
  successRateIncludingRetrying: number | null;

  @ApiProperty({ description: 'Pending or retrying deliveries now, whatever their age.' })
  waiting: number;

  @ApiProperty({ type: String, format: 'date-time', nullable: true, description: 'When the earliest of them is due.' })
  nextAttemptAt: Date | null;
}

export class EndpointStatsListDto {
  @ApiProperty({ format: 'date-time' }) from: Date;
  @ApiProperty({ format: 'date-time' }) to: Date;

  @ApiProperty({ type: [EndpointRowStatsDto], description: "In the order asked; ids that are not the tenant's endpoints are left out." })
  data: EndpointRowStatsDto[];
}
