import { applyDecorators, Controller, UseFilters, UseGuards, UsePipes, ValidationPipe } from '@nestjs/common';
import { ApiBadRequestResponse, ApiForbiddenResponse, ApiSecurity, ApiTags, ApiUnauthorizedResponse } from '@nestjs/swagger';
import { WebhooksApiExceptionFilter } from './webhooks-api.exception-filter';
import { WebhooksApiGuard } from './webhooks-api.guard';
import { JsonBodyDepthGuard } from './json-body-depth.guard';

/** Name of the security scheme the OpenAPI document declares for the host's guard. */
export const WEBHOOKS_API_SECURITY = 'webhooks-api';

/**
 * What every management controller shares: the host's guards and the tenant (401 without
 * one), a bound on the body's nesting depth, strict validation (unknown fields are refused)
 * and the error mapping that keeps bad input away from 500. Applied per controller, so the
 * host's global settings are untouched.
 */
export function WebhooksApiController(path: string, tag: string): ClassDecorator {
  return applyDecorators(
    Controller(path),
    UseGuards(WebhooksApiGuard, JsonBodyDepthGuard),
    UsePipes(new ValidationPipe({ whitelist: true, forbidNonWhitelisted: true, transform: true })),
    UseFilters(WebhooksApiExceptionFilter),
    ApiTags(tag),
    ApiSecurity(WEBHOOKS_API_SECURITY),
    ApiBadRequestResponse({ description: 'Invalid input; the message names the field.' }),
    ApiUnauthorizedResponse({ description: 'No tenant could be resolved for the request.' }),
    ApiForbiddenResponse({ description: "Refused by the host's guard." }),
  );
}
