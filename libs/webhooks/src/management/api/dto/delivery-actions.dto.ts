import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, ArrayNotEmpty, IsArray, IsISO8601, IsOptional, IsString, IsUUID, MaxLength } from 'class-validator';
import { DeliveryStatus } from '../../../storage/entities/delivery.entity';
import type { CancelledDeliveries, DeliveryChange, RecoverResult } from '../../delivery-inputs';

export const MAX_DELIVERIES_PER_RETRY = 100;

export class RetryDeliveriesDto {
  @ApiProperty({ type: [String], format: 'uuid', minItems: 1, maxItems: MAX_DELIVERIES_PER_RETRY, description: 'The deliveries to retry now, e.g. the ones selected in a list.' })
  @IsArray()
  @ArrayNotEmpty()
  @ArrayMaxSize(MAX_DELIVERIES_PER_RETRY)
  @IsUUID('all', { each: true, message: 'each value in deliveryIds must be a UUID' })
  deliveryIds: string[];
}

export class RetryOutcomeDto {
  @ApiProperty({ format: 'uuid' }) deliveryId: string;

  @ApiProperty({ enum: DeliveryStatus, nullable: true, description: '`pending` when queued again; null when refused.' })
  status: DeliveryStatus | null;

  @ApiProperty({ type: String, nullable: true, description: 'Why it was refused: not found, being attempted, endpoint disabled or deleted.' })
  error: string | null;
}

export class RetryDeliveriesResultDto {
  @ApiProperty({ description: 'Queued again.' }) retried: number;
  @ApiProperty({ description: 'Refused; see `error` of each.' }) refused: number;
  @ApiProperty({ type: [RetryOutcomeDto], description: 'One per delivery, in the order given.' }) data: RetryOutcomeDto[];
}

export class RecoverDeliveriesDto {
  @ApiProperty({ example: '2026-11-01T00:00:00Z', description: 'Re-queue failed deliveries created at or after this time (up to now).' })
  @IsISO8601({ strict: true })
  since: string;

  @ApiPropertyOptional({ format: 'uuid', description: "Only this endpoint's." })
  @IsOptional()
  @IsUUID()
  endpointId?: string;

  @ApiPropertyOptional({ example: 'invoice.paid', description: 'Only this event type (exact).' })
  @IsOptional()
  @IsString()
  @MaxLength(255)
  eventType?: string;
}

export class RecoverDeliveriesResultDto implements RecoverResult {
  @ApiProperty({ description: 'Failed deliveries queued again.' }) count: number;
  @ApiProperty({ description: 'Failed deliveries left as they are: their endpoint is deleted or disabled.' }) skipped: number;
}

export class CancelDeliveriesDto {
  @ApiPropertyOptional({ format: 'uuid', description: "This endpoint's waiting deliveries. At least one of `endpointId` and `eventId`." })
  @IsOptional()
  @IsUUID()
  endpointId?: string;

  @ApiPropertyOptional({ format: 'uuid', description: "This event's waiting deliveries." })
  @IsOptional()
  @IsUUID()
  eventId?: string;
}

export class CancelDeliveriesResultDto implements CancelledDeliveries {
  @ApiProperty({ description: 'Pending or retrying deliveries cancelled: none of them is sent.' }) cancelled: number;
  @ApiProperty({ description: 'Left alone, being attempted right now: each ends as its attempt decides.' }) beingAttempted: number;
}

export class CancelledDto implements DeliveryChange {
  @ApiProperty({ format: 'uuid' }) deliveryId: string;
  @ApiProperty({ enum: [DeliveryStatus.Cancelled], example: DeliveryStatus.Cancelled }) status: DeliveryStatus;
}
