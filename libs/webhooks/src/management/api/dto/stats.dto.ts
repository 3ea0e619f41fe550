import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, Max, Min } from 'class-validator';

export const MAX_STATS_HOURS = 24 * 90;

export class StatsQueryDto {
  @ApiPropertyOptional({ minimum: 1, maximum: MAX_STATS_HOURS, default: 24, description: 'Window: deliveries created in the last N hours.' })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(MAX_STATS_HOURS)
  hours?: number;
}

export class DeliveryCountsDto {
  @ApiProperty() total: number;
  @ApiProperty() pending: number;
  @ApiProperty() delivering: number;
  @ApiProperty() retrying: number;
  @ApiProperty() succeeded: number;
  @ApiProperty() failed: number;
  @ApiProperty() cancelled: number;

  @ApiProperty({ description: 'Of the pending and retrying ones, those their endpoint holds now: circuit open, or paused.' })
  held: number;
}

export class LatencyDto {
  @ApiProperty({ type: Number, nullable: true, description: 'Mean attempt duration, 2 decimals.' })
  average: number | null;

  @ApiProperty({ type: Number, nullable: true, description: 'Nearest-rank median of attempt durations.' })
  p50: number | null;

  @ApiProperty({ type: Number, nullable: true, description: 'Nearest-rank 95th percentile of attempt durations.' })
  p95: number | null;
}

export class EventTypeStatsDto {
  @ApiProperty() eventType: string;
  @ApiProperty() total: number;
  @ApiProperty() succeeded: number;
  @ApiProperty() failed: number;
  @ApiProperty() retrying: number;

  @ApiProperty({ type: Number, nullable: true, description: 'succeeded / (succeeded + failed).' })
  successRate: number | null;

  @ApiProperty({ type: Number, nullable: true, description: 'succeeded / (succeeded + failed + retrying).' })
  successRateIncludingRetrying: number | null;
}

export class StatusCodeStatsDto {
  @ApiProperty({ type: Number, nullable: true, description: 'HTTP status; null for attempts that got no answer.' })
  statusCode: number | null;

  @ApiProperty({ description: 'Attempts that ended this way.' })
  attempts: number;
}

export class DeliveryStatsDto {
  @ApiProperty({ format: 'date-time', description: 'Start of the window.' })
  from: Date;

  @ApiProperty({ format: 'date-time', description: 'End of the window (now).' })
  to: Date;

  @ApiProperty({ type: DeliveryCountsDto })
  deliveries: DeliveryCountsDto;

  @ApiProperty({ type: Number, nullable: true, description: 'succeeded / (succeeded + failed), 4 decimals; null when none finished.' })
  successRate: number | null;

  @ApiProperty({
    type: Number,
    nullable: true,
    description: 'succeeded / (succeeded + failed + retrying), 4 decimals: deliveries waiting for another attempt, or held behind an open circuit, count as not delivered.',
  })
  successRateIncludingRetrying: number | null;

  @ApiProperty({ description: 'Attempts made for the deliveries of the window.' })
  attempts: number;

  @ApiProperty({ type: Number, nullable: true, description: 'Mean attempts per finished (succeeded or failed) delivery, 2 decimals.' })
  averageAttempts: number | null;

  @ApiProperty({ type: LatencyDto, description: 'Attempt durations in milliseconds.' })
  latencyMs: LatencyDto;

  @ApiProperty({ type: [EventTypeStatsDto] })
  byEventType: EventTypeStatsDto[];

  @ApiProperty({ type: [StatusCodeStatsDto] })
  byStatusCode: StatusCodeStatsDto[];
}

export class QueueCountsDto {
  @ApiProperty() waiting: number;
  @ApiProperty() active: number;
  @ApiProperty() delayed: number;
  @ApiProperty() failed: number;
  @ApiProperty() completed: number;
  @ApiProperty() paused: number;
}

export class BacklogDto {
  @ApiProperty({ description: "The tenant's deliveries due now and not yet attempted." })
  due: number;

  @ApiProperty({ type: Number, nullable: true, description: 'How long the oldest of them has been due, in ms.' })
  oldestDueAgeMs: number | null;

  @ApiProperty({ description: 'Every pending or retrying delivery of the tenant, due or not.' })
  waiting: number;

  @ApiProperty({ description: 'Of those, the retrying ones (an attempt failed, or their endpoint held them).' })
  retrying: number;

  @ApiProperty({ description: 'Waiting deliveries held behind their endpoint\'s open circuit.' })
  heldByCircuit: number;

  @ApiProperty({ description: 'Waiting deliveries to paused endpoints.' })
  heldByPause: number;

  @ApiProperty({ description: "The tenant's endpoints whose circuit is open now." })
  openCircuits: number;

  @ApiProperty({ type: String, format: 'date-time', nullable: true, description: 'The earliest attempt planned after now.' })
  nextAttemptAt: Date | null;
}

export class QueueStatusDto {
  @ApiProperty({ type: QueueCountsDto, nullable: true, description: 'Bull job counts (all tenants); null in embedded mode (no Redis).' })
  queue: QueueCountsDto | null;

  @ApiProperty({ type: BacklogDto })
  backlog: BacklogDto;
}
