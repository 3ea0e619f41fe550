import { ApiProperty, ApiPropertyOptional, IntersectionType } from '@nestjs/swagger';
import { ArrayMaxSize, IsArray, IsObject, IsOptional, IsString, IsUUID, MaxLength } from 'class-validator';
import type { JsonValue } from '../../../storage/entities/column-types';
import type { DeliverySummary, EventDetail, EventListItem, EventView } from '../../delivery-views';
import type { ReplayResult } from '../../delivery-inputs';
import { DeliveryListItemDto } from './delivery.dto';
import { PageInfoDto, PageQueryDto } from './page.dto';
import { DateRangeQueryDto } from './date-range.dto';

export class PublishEventDto {
  @ApiProperty({ example: 'invoice.paid', description: '`resource.action`: dot-separated words.' })
  @IsString()
  type: string;

  @ApiProperty({ type: 'object', additionalProperties: true, example: { invoiceId: 'inv_1', amount: 4200 }, description: 'The payload, at most the configured size.' })
  @IsObject()
  data: Record<string, JsonValue>;
}

export class PublishResultDto {
  @ApiProperty({ type: String, format: 'uuid', nullable: true, description: 'Null when webhooks are switched off.' })
  eventId: string | null;

  @ApiProperty({ description: 'Deliveries created: one per subscribed endpoint.' })
  deliveryCount: number;

  @ApiProperty({ description: 'True when the Idempotency-Key matched an earlier event; nothing new was sent.' })
  duplicate: boolean;
}

export class ListEventsQueryDto extends IntersectionType(PageQueryDto, DateRangeQueryDto) {
  @ApiPropertyOptional({ example: 'invoice.paid', description: 'Exact event type.' })
  @IsOptional()
  @IsString()
  @MaxLength(255)
  eventType?: string;

  @ApiPropertyOptional({ format: 'uuid', description: 'This event only (the `webhook-id` receivers see).' })
  @IsOptional()
  @IsUUID()
  eventId?: string;

  @ApiPropertyOptional({ format: 'uuid', description: 'The event of this delivery (the `x-webhook-delivery` receivers see).' })
  @IsOptional()
  @IsUUID()
  deliveryId?: string;
}

/** An event without its payload, as lists show it. */
export class EventDto implements EventView {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty()
  type: string;

  @ApiProperty({ type: String, nullable: true })
  idempotencyKey: string | null;

  @ApiProperty({ format: 'date-time' })
  createdAt: Date;
}

export class DeliverySummaryDto implements DeliverySummary {
  @ApiProperty() total: number;
  @ApiProperty() succeeded: number;
  @ApiProperty() failed: number;
  @ApiProperty({ description: 'Pending, delivering or retrying.' }) waiting: number;
}

export class EventListItemDto extends EventDto implements EventListItem {
  @ApiProperty({ type: DeliverySummaryDto, description: 'How its deliveries stand, replays included.' })
  deliveries: DeliverySummaryDto;
}

export class EventDetailDto extends EventDto implements EventDetail {
  @ApiProperty({ type: 'object', additionalProperties: true })
  data: JsonValue;

  @ApiProperty({ type: [DeliveryListItemDto], description: 'One per endpoint it was sent to, replays included, newest first.' })
  deliveries: DeliveryListItemDto[];
}

export class EventPageDto extends PageInfoDto {
  @ApiProperty({ type: [EventListItemDto] })
  data: EventListItemDto[];
}

export const MAX_REPLAY_ENDPOINTS = 100;

export class ReplayEventDto {
  @ApiPropertyOptional({
    type: [String],
    format: 'uuid',
    maxItems: MAX_REPLAY_ENDPOINTS,
    description: 'Only these of the endpoints that received the event; every one of them when absent.',
  })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(MAX_REPLAY_ENDPOINTS)
  @IsUUID('all', { each: true, message: 'each value in endpointIds must be a UUID' })
  endpointIds?: string[];
}

export class ReplayResultDto implements ReplayResult {
  @ApiProperty({ format: 'uuid' })
  eventId: string;

  @ApiProperty({ description: 'New deliveries created, one per endpoint that received the event and still exists.' })
  deliveryCount: number;
}

export class EventTypeDto {
  @ApiProperty({ example: 'invoice.paid' })
  name: string;

  @ApiPropertyOptional()
  description?: string;

  @ApiPropertyOptional({ type: 'object', additionalProperties: true, description: 'JSON schema of `data`.' })
  schema?: Record<string, unknown>;

  @ApiPropertyOptional({ description: 'An example `data`.' })
  example?: unknown;
}

export class EventTypeListDto {
  @ApiProperty({ type: [EventTypeDto] })
  data: EventTypeDto[];
}
