import { ApiProperty, ApiPropertyOptional, IntersectionType } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsISO8601, IsOptional, IsString, IsUUID, Max, MaxLength, Min } from 'class-validator';
import { DeliveryStatus, type WebhookDelivery } from '../../../storage/entities/delivery.entity';
import type { DeliveryHold } from '../../endpoint-health';
import { deliveryView, type DeliveryAttempt, type DeliveryDetail, type DeliveryListItem, type DeliveryView } from '../../delivery-views';
import { PageInfoDto, PageQueryDto } from './page.dto';
import { DateRangeQueryDto } from './date-range.dto';

/** Filters shared by the delivery list and the export. */
export class DeliveryFilterDto extends DateRangeQueryDto {
  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional()
  @IsUUID()
  endpointId?: string;

  @ApiPropertyOptional({ format: 'uuid', description: 'The deliveries of one event.' })
  @IsOptional()
  @IsUUID()
  eventId?: string;

  @ApiPropertyOptional({ example: 'invoice.paid', description: 'Exact event type.' })
  @IsOptional()
  @IsString()
  @MaxLength(255)
  eventType?: string;

  @ApiPropertyOptional({ enum: DeliveryStatus })
  @IsOptional()
  @IsIn(Object.values(DeliveryStatus))
  status?: DeliveryStatus;
}

export class ListDeliveriesQueryDto extends IntersectionType(DeliveryFilterDto, PageQueryDto) {}

export const EXPORT_FORMATS = ['csv', 'ndjson'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

export class ExportFormatDto {
  @ApiPropertyOptional({ enum: EXPORT_FORMATS, default: 'csv' })
  @IsOptional()
  @IsIn(EXPORT_FORMATS)
  format?: ExportFormat;
}

export class ExportDeliveriesQueryDto extends IntersectionType(DeliveryFilterDto, ExportFormatDto) {}

export class DeliveryDto implements DeliveryView {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty({ format: 'uuid' })
  eventId: string;

  @ApiProperty()
  eventType: string;

  @ApiProperty({ format: 'uuid' })
  endpointId: string;

  @ApiProperty({ enum: DeliveryStatus })
  status: DeliveryStatus;

  @ApiProperty()
  attemptCount: number;

  @ApiProperty({ type: String, format: 'date-time', nullable: true })
  nextAttemptAt: Date | null;

  @ApiProperty({ type: Number, nullable: true })
  lastStatusCode: number | null;

  @ApiProperty({ type: String, nullable: true })
  lastError: string | null;

  @ApiProperty({ type: String, format: 'date-time', nullable: true })
  deliveredAt: Date | null;

  @ApiProperty({ type: String, format: 'date-time', nullable: true })
  completedAt: Date | null;

  @ApiProperty({ format: 'date-time' })
  createdAt: Date;

  @ApiProperty({ format: 'date-time' })
  updatedAt: Date;

  static from(delivery: WebhookDelivery): DeliveryDto {
    return deliveryView(delivery);
  }
}

export class AttemptDto implements DeliveryAttempt {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty({ description: '1 for the first attempt.' })
  number: number;

  @ApiProperty({ format: 'date-time' })
  startedAt: Date;

  @ApiProperty()
  durationMs: number;

  @ApiProperty({ type: 'object', additionalProperties: { type: 'string' }, description: 'As sent; credential-like custom headers redacted.' })
  requestHeaders: Record<string, string>;

  @ApiProperty({ type: Number, nullable: true })
  responseStatus: number | null;

  @ApiProperty({ type: 'object', additionalProperties: { type: 'string' }, nullable: true })
  responseHeaders: Record<string, string> | null;

  @ApiProperty({ type: String, nullable: true, description: 'At most the first 10 KB.' })
  responseBody: string | null;

  @ApiProperty({ type: String, nullable: true })
  error: string | null;
}

/** A delivery as lists show it: with where it goes and what holds it. */
export class DeliveryListItemDto extends DeliveryDto implements DeliveryListItem {
  @ApiProperty({ type: String, nullable: true, description: 'URL of its endpoint (deleted endpoints included); null when the endpoint row is gone.' })
  endpointUrl: string | null;

  @ApiProperty({
    enum: ['circuit-open', 'endpoint-paused'],
    nullable: true,
    description: 'A pending or retrying delivery its endpoint holds now: behind an open circuit (until the endpoint\'s `circuitOpenUntil`), or paused.',
  })
  heldBecause: DeliveryHold | null;
}

export class DeliveryDetailDto extends DeliveryListItemDto implements DeliveryDetail {
  @ApiProperty({ type: String, nullable: true, description: 'The exact body every attempt sends (and signs): the JSON envelope of the event. Null once retention removed the event.' })
  requestBody: string | null;

  @ApiProperty({ type: [AttemptDto], description: 'Every attempt, first to last.' })
  attempts: AttemptDto[];
}

export class DeliveryPageDto extends PageInfoDto {
  @ApiProperty({ type: [DeliveryListItemDto] })
  data: DeliveryListItemDto[];
}

export class FailureDto extends DeliveryDto {
  @ApiProperty({ description: 'URL of the endpoint the delivery was for.' })
  endpointUrl: string;
}

export class FailureListDto {
  @ApiProperty({ type: [FailureDto], description: 'Most recently dead-lettered first.' })
  data: FailureDto[];
}

export class FailuresQueryDto {
  @ApiPropertyOptional({ minimum: 1, maximum: 100, default: 10 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(100)
  limit?: number;
}

export class RequeuedDto {
  @ApiProperty({ format: 'uuid' })
  deliveryId: string;

  @ApiProperty({ enum: DeliveryStatus, example: DeliveryStatus.Pending })
  status: DeliveryStatus;
}
