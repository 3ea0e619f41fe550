import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, ArrayNotEmpty, IsArray, IsBoolean, IsIn, IsInt, IsISO8601, IsObject, IsOptional, IsString, MaxLength, ValidateIf } from 'class-validator';
import { EndpointStatus } from '../../../storage/entities/endpoint.entity';
import type { RetryOnList, RetrySchedule } from '../../../options/webhooks-options.interface';
import type { JsonValue } from '../../../storage/entities/column-types';
import { MAX_ROTATION_OVERLAP_SECONDS } from '../../endpoints.service';
import { IsHeaderMap } from './header-map.validator';
import { PageQueryDto } from './page.dto';
import { RETRY_ON_SCHEMA } from './retry-on.schema';
import { SIGNATURE_SCHEMES } from '../../endpoint-input.rules';
import type { SignatureScheme } from '../../../signing/signing-secret';

// NOTE: these DTOs check types and shapes only. URL rules (scheme, length, public address),
// the event type catalog, secrets, timeouts and retry schedules are checked by
// EndpointsService, so that the API and code calling the service apply the same rules.

const MAX_SUBSCRIBED_TYPES = 100;
const UPDATABLE_STATUSES = [EndpointStatus.Active, EndpointStatus.Disabled, EndpointStatus.Paused] as const;
const retryScheduleSchema = {
  type: 'object',
  additionalProperties: true,
  description: 'Either `{ delaysMs: number[] }` or `{ baseMs, factor?, maxAttempts, capMs? }`.',
  nullable: true,
} as const;

/** Fields shared by create and update, all optional. */
class EndpointSettingsDto {
  @ApiPropertyOptional({ type: String, nullable: true, maxLength: 1024 })
  @IsOptional()
  @IsString()
  @MaxLength(1024)
  description?: string | null;

  @ApiPropertyOptional({ type: 'object', additionalProperties: { type: 'string' }, nullable: true, description: 'Extra request headers sent with every delivery. Values of credential-like headers are encrypted at rest and read back "[redacted]".' })
  @IsOptional()
  @IsHeaderMap()
  headers?: Record<string, string> | null;

  @ApiPropertyOptional({ type: Number, nullable: true, minimum: 1, description: 'Deliveries per second at most; null for no limit.' })
  @IsOptional()
  @IsInt()
  rateLimitPerSecond?: number | null;

  @ApiPropertyOptional({ type: Number, nullable: true, minimum: 1, description: 'Request timeout in milliseconds; null for the default.' })
  @IsOptional()
  @IsInt()
  timeoutMs?: number | null;

  @ApiPropertyOptional(retryScheduleSchema)
  @IsOptional()
  @IsObject()
  retrySchedule?: RetrySchedule | null;

  @ApiPropertyOptional(RETRY_ON_SCHEMA)
  @IsOptional()
  @IsArray()
  retryOn?: RetryOnList | null;

  @ApiPropertyOptional({ default: true, description: "Send the publisher's W3C trace context (`traceparent`, `tracestate`) with each attempt." })
  @IsOptional()
  @IsBoolean()
  sendTraceContext?: boolean;

  @ApiPropertyOptional({ type: 'object', additionalProperties: true, nullable: true, description: 'Free-form data kept with the endpoint.' })
  @IsOptional()
  @IsObject()
  metadata?: Record<string, JsonValue> | null;

  @ApiPropertyOptional({ description: 'Also send `X-Webhook-Signature: sha256=<hex HMAC of the body>` (HMAC secrets only), for receivers written to it.' })
  @IsOptional()
  @IsBoolean()
  legacySignatureHeader?: boolean;
}

export class CreateEndpointDto extends EndpointSettingsDto {
  @ApiProperty({ example: 'https://example.com/webhooks', maxLength: 2048, description: 'HTTPS unless the host allows http; must resolve to a public address.' })
  @IsString()
  url: string;

  @ApiProperty({ type: [String], example: ['invoice.paid', 'payment.*'], description: 'Catalog types, `resource.*` or `*`.' })
  @IsArray()
  @ArrayNotEmpty()
  @ArrayMaxSize(MAX_SUBSCRIBED_TYPES)
  @IsString({ each: true })
  eventTypes: string[];

  @ApiPropertyOptional({ description: '`whsec_` + base64 of 24 to 64 bytes (HMAC), or a `whsk_` ed25519 signing key; generated when absent.' })
  @IsOptional()
  @IsString()
  secret?: string;

  @ApiPropertyOptional({ enum: SIGNATURE_SCHEMES, default: 'hmac-sha256', description: 'How a generated secret signs: `v1,` HMAC-SHA256 or `v1a,` ed25519.' })
  @IsOptional()
  @IsIn(SIGNATURE_SCHEMES)
  signatureScheme?: SignatureScheme;
}

export class UpdateEndpointDto extends EndpointSettingsDto {
  @ApiPropertyOptional({ maxLength: 2048 })
  @ValidateIf((_dto, value) => value !== undefined)
  @IsString()
  url?: string;

  @ApiPropertyOptional({ type: [String] })
  @ValidateIf((_dto, value) => value !== undefined)
  @IsArray()
  @ArrayNotEmpty()
  @ArrayMaxSize(MAX_SUBSCRIBED_TYPES)
  @IsString({ each: true })
  eventTypes?: string[];

  @ApiPropertyOptional({ enum: UPDATABLE_STATUSES, description: 'Enable, disable or pause the endpoint.' })
  @ValidateIf((_dto, value) => value !== undefined)
  @IsIn(UPDATABLE_STATUSES)
  status?: (typeof UPDATABLE_STATUSES)[number];
}

export class ListEndpointsQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ description: 'Part of the URL or of the description (any case), or the endpoint id.', example: 'billing' })
  @IsOptional()
  @IsString()
  @MaxLength(255)
  search?: string;

  @ApiPropertyOptional({ description: 'Only endpoints that would receive this event type.', example: 'invoice.paid' })
  @IsOptional()
  @IsString()
  @MaxLength(255)
  eventType?: string;

  @ApiPropertyOptional({ enum: EndpointStatus })
  @IsOptional()
  @IsIn(Object.values(EndpointStatus))
  status?: EndpointStatus;
}

export class RotateSecretDto {
  @ApiPropertyOptional({
    minimum: 0,
    maximum: MAX_ROTATION_OVERLAP_SECONDS,
    default: 86_400,
    description: 'How long the old secret keeps signing next to the new one; 0 stops it at once.',
  })
  @IsOptional()
  @IsInt()
  overlapSeconds?: number;

  @ApiPropertyOptional({ description: 'The new secret (`whsec_…`); generated when absent.' })
  @IsOptional()
  @IsString()
  secret?: string;
}

export class TestEndpointDto {
  @ApiPropertyOptional({
    example: 'invoice.paid',
    description: "A catalog type: its example `data` is sent (an empty object when it has none). Default `webhook.test`.",
  })
  @IsOptional()
  @IsString()
  @MaxLength(255)
  eventType?: string;
}

export class RecoverEndpointDto {
  @ApiProperty({ example: '2026-11-01T00:00:00Z', description: 'Re-queue failed deliveries created at or after this time.' })
  @IsISO8601({ strict: true })
  since: string;
}

