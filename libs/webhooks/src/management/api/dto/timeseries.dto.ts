import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsUUID, Max, Min } from 'class-validator';
import { StatsQueryDto } from './stats.dto';

export const MAX_TIMESERIES_BUCKETS = 96;
export const DEFAULT_TIMESERIES_BUCKETS = 24;
export const TIMESERIES_BASES = ['created', 'attempt'] as const;
export type TimeseriesBasis = (typeof TIMESERIES_BASES)[number];

export class TimeseriesQueryDto extends StatsQueryDto {
  @ApiPropertyOptional({ minimum: 1, maximum: MAX_TIMESERIES_BUCKETS, default: DEFAULT_TIMESERIES_BUCKETS, description: 'Equal time buckets the window is cut into.' })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(MAX_TIMESERIES_BUCKETS)
  buckets?: number;

  @ApiPropertyOptional({ format: 'uuid', description: "Only this endpoint's deliveries." })
  @IsOptional()
  @IsUUID()
  endpointId?: string;

  @ApiPropertyOptional({
    enum: TIMESERIES_BASES,
    default: 'created',
    description: '`created`: deliveries by creation time (succeeded/failed count deliveries). `attempt`: attempts by the time they were made (succeeded/failed count attempts), with `byStatusCode` and `byEventType` per bucket.',
  })
  @IsOptional()
  @IsIn(TIMESERIES_BASES)
  by?: TimeseriesBasis;
}

export class BucketStatusCodeDto {
  @ApiProperty({ type: Number, nullable: true, description: 'null: no answer (timeout, refused, DNS).' }) statusCode: number | null;
  @ApiProperty() attempts: number;
}

export class BucketEventTypeDto {
  @ApiProperty() eventType: string;
  @ApiProperty() attempts: number;
  @ApiProperty({ description: 'Attempts answered 2xx.' }) succeeded: number;
}

export class TimeseriesLatencyDto {
  @ApiProperty({ type: Number, nullable: true, description: 'Nearest-rank median of the attempt durations.' })
  p50: number | null;

  @ApiProperty({ type: Number, nullable: true, description: 'Nearest-rank 95th percentile of the attempt durations.' })
  p95: number | null;
}

export class TimeseriesBucketDto {
  @ApiProperty({ format: 'date-time', description: 'Start of the bucket (included).' })
  from: Date;

  @ApiProperty({ format: 'date-time', description: 'End of the bucket (excluded, except for the last one).' })
  to: Date;

  @ApiProperty() succeeded: number;
  @ApiProperty() failed: number;

  @ApiProperty({ type: Number, nullable: true, description: 'succeeded / (succeeded + failed), 4 decimals; null when none finished.' })
  successRate: number | null;

  @ApiProperty({ description: '`created`: attempts made for the deliveries created in the bucket; `attempt`: attempts made in the bucket.' })
  attempts: number;

  @ApiProperty({ type: TimeseriesLatencyDto, description: 'Attempt durations in milliseconds.' })
  latencyMs: TimeseriesLatencyDto;

  @ApiPropertyOptional({ type: [BucketStatusCodeDto], description: '`by=attempt` only: attempts by HTTP status, ascending, no answer last.' })
  byStatusCode?: BucketStatusCodeDto[];

  @ApiPropertyOptional({ type: [BucketEventTypeDto], description: '`by=attempt` only: attempts by event type.' })
  byEventType?: BucketEventTypeDto[];
}

export class TimeseriesDto {
  @ApiProperty({ format: 'date-time' }) from: Date;
  @ApiProperty({ format: 'date-time' }) to: Date;
  @ApiProperty({ type: String, nullable: true, format: 'uuid' }) endpointId: string | null;
  @ApiProperty({ enum: TIMESERIES_BASES, description: 'What the buckets cut: deliveries by creation time, or attempts by the time they were made.' }) by: TimeseriesBasis;
  @ApiProperty({ type: [TimeseriesBucketDto], description: 'Oldest first.' }) data: TimeseriesBucketDto[];
}
