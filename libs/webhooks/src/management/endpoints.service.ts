import { BadRequestException, ConflictException, Inject, Injectable, NotFoundException } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { RESOLVED_WEBHOOKS_OPTIONS } from '../webhooks.constants';
import type { ResolvedWebhooksOptions } from '../options/resolved-options';
import { OutboundAddressPolicy } from '../delivery/outbound/address-policy';
import { findEndpointUrlProblem } from '../delivery/outbound/endpoint-url';
import { findSigningSecretProblem, generateSigningSecret, signatureSchemeOf } from '../signing/signing-secret';
import { DEFAULT_MAX_PREVIOUS_SECRETS, rotateSecrets } from '../signing/secret-rotation';
import { findEndpointInputProblem } from './endpoint-input.rules';
import { EventTypeCatalog } from '../publishing/event-type.catalog';
import { matchesAnyEventType } from '../common/event-type-pattern';
import { EndpointStatus, WebhookEndpoint } from '../storage/entities/endpoint.entity';
import { endpointUrlKey } from '../storage/entities/endpoint-url-key';
import { isUniqueViolation } from '../storage/query-errors';
import { restoreRedactedValues } from '../storage/secrets/credential-headers';
import { sameJson } from '../common/same-json';
import { EndpointsStore } from '../storage/endpoints/endpoints.store';
import type { CreateEndpointInput, EnsureOutcome, ListEndpointsFilter, RotateSecretInput, TenantScope, UpdateEndpointInput } from './endpoint-inputs';

export type { CreateEndpointInput, EnsureOutcome, ListEndpointsFilter, RotateSecretInput, TenantScope, UpdateEndpointInput } from './endpoint-inputs';

/** Fields `ensure` keeps in line with its input when the endpoint exists. */
const ENSURED_FIELDS = ['description', 'eventTypes', 'legacySignatureHeader', 'headers', 'rateLimitPerSecond', 'timeoutMs', 'retrySchedule', 'retryOn', 'sendTraceContext', 'metadata'] as const;

export const DEFAULT_ROTATION_OVERLAP_SECONDS = 24 * 60 * 60;
export const MAX_ROTATION_OVERLAP_SECONDS = 7 * 24 * 60 * 60;

/** Creates, changes, lists and removes endpoints; the REST controllers call it too. */
@Injectable()
export class EndpointsService {
  private readonly policy: OutboundAddressPolicy;

  constructor(
    @Inject(RESOLVED_WEBHOOKS_OPTIONS) private readonly options: ResolvedWebhooksOptions,
    private readonly store: EndpointsStore,
    private readonly catalog: EventTypeCatalog,
  ) {
    this.policy = new OutboundAddressPolicy(options.allowedNetworks);
  }

  async create(input: CreateEndpointInput): Promise<WebhookEndpoint> {
    const tenantId = input.tenantId ?? null;
    this.assertInput(input, 'create');
    await this.assertValid(input);
    if (input.secret !== undefined) this.assertSecret(input.secret);
    await this.assertUrlFree(tenantId, input.url);
    await this.assertRoomForEndpoint(tenantId);
    const now = new Date();
    const urlKey = endpointUrlKey(tenantId, input.url);
    const endpoint: WebhookEndpoint = Object.assign(new WebhookEndpoint(), {
      id: randomUUID(),
      tenantId,
      url: input.url,
      description: input.description ?? null,
      eventTypes: input.eventTypes,
      secret: input.secret ?? generateSigningSecret(input.signatureScheme),
      legacySignatureHeader: input.legacySignatureHeader ?? false,
      previousSecrets: [],
      status: EndpointStatus.Active,
      disabledReason: null,
      headers: input.headers ?? null,
      rateLimitPerSecond: input.rateLimitPerSecond ?? null,
      timeoutMs: input.timeoutMs ?? null,
      retrySchedule: input.retrySchedule ?? null,
      retryOn: input.retryOn ?? null,
      sendTraceContext: input.sendTraceContext ?? true,
      consecutiveFailures: 0,
      failingSince: null,
      metadata: input.metadata ?? null,
      createdAt: now,
      updatedAt: now,
      deletedAt: null,
    });
    try {
      await this.store.insert({ ...endpoint, urlKey });
    } catch (error) {
      throw isUniqueViolation(error) ? urlTaken() : error;
    }
    return endpoint;
  }

  /**
   * Registers an endpoint idempotently, for an app that declares its endpoints at start: by
   * tenant and URL, it creates the endpoint when there is none, and otherwise brings the given
   * fields (event types, description, headers, limits, retry schedule, metadata) in line with
   * the input, leaving its status and health as they are. A `secret` that differs from the
   * stored one replaces it at once. Safe when several processes start together: one creates
   * the endpoint, the others find it.
   */
  async ensure(input: CreateEndpointInput): Promise<{ endpoint: WebhookEndpoint; outcome: EnsureOutcome }> {
    const tenantId = input.tenantId ?? null;
    let endpoint = await this.findLive(tenantId, input.url);
    if (!endpoint) {
      try {
        return { endpoint: await this.create(input), outcome: 'created' };
      } catch (error) {
        endpoint = error instanceof ConflictException ? await this.findLive(tenantId, input.url) : null;
        if (!endpoint) throw error;
      }
    }
    const changes: UpdateEndpointInput = {};
    for (const field of ENSURED_FIELDS) {
      if (input[field] !== undefined && !sameJson(input[field], endpoint[field])) Object.assign(changes, { [field]: input[field] });
    }
    const scope = { tenantId };
    let outcome: EnsureOutcome = 'unchanged';
    if (Object.keys(changes).length > 0) {
      endpoint = await this.update(endpoint.id, changes, scope);
      outcome = 'updated';
    }
    if (input.secret !== undefined && input.secret !== endpoint.secret) {
      endpoint = await this.rotateSecret(endpoint.id, { secret: input.secret, overlapSeconds: 0 }, scope);
      outcome = 'updated';
    }
    return { endpoint, outcome };
  }

  async update(id: string, changes: UpdateEndpointInput, scope: TenantScope = {}): Promise<WebhookEndpoint> {
    this.assertInput(changes, 'update');
    const endpoint = await this.get(id, scope);
    await this.assertValid(changes);
    if (changes.url !== undefined && changes.url !== endpoint.url) await this.assertUrlFree(endpoint.tenantId, changes.url);
    const next: Partial<WebhookEndpoint> = { ...changes, updatedAt: new Date() };
    if (changes.headers) next.headers = restoreRedactedValues(changes.headers, endpoint.headers);
    if (changes.url !== undefined) next.urlKey = endpointUrlKey(endpoint.tenantId, changes.url);
    if (changes.url !== undefined && changes.url !== endpoint.url) {
      // Another URL is another receiver: the old one's failures and open circuit say nothing about it.
      Object.assign(next, { consecutiveFailures: 0, failingSince: null, circuitOpenUntil: null });
    }
    if (changes.status === EndpointStatus.Active && endpoint.status !== EndpointStatus.Active) {
      // Re-enabling starts a fresh streak.
      Object.assign(next, { disabledReason: null, consecutiveFailures: 0, failingSince: null });
    } else if (changes.status === EndpointStatus.Disabled && endpoint.status !== EndpointStatus.Disabled) {
      next.disabledReason = 'disabled by request';
    }
    try {
      await this.store.update(id, next);
    } catch (error) {
      throw isUniqueViolation(error) ? urlTaken() : error;
    }
    return this.get(id, scope);
  }

  async list(filter: ListEndpointsFilter = {}): Promise<WebhookEndpoint[]> {
    const endpoints = await this.store.list(filter.tenantId ?? null, filter.status);
    return filter.eventType ? endpoints.filter((endpoint) => matchesAnyEventType(endpoint.eventTypes, filter.eventType!)) : endpoints;
  }

  /** The endpoint, or 404 when it does not exist, is deleted, or belongs to another tenant. */
  async get(id: string, scope: TenantScope = {}): Promise<WebhookEndpoint> {
    const endpoint = await this.store.findOwned(id, scope.tenantId ?? null);
    if (!endpoint) throw new NotFoundException(`endpoint ${id} not found`);
    return endpoint;
  }

  /** Soft delete; deliveries still waiting for the endpoint are cancelled. */
  async remove(id: string, scope: TenantScope = {}): Promise<void> {
    await this.get(id, scope);
    await this.store.remove(id, new Date());
  }

  /**
   * Replaces the signing secret. The replaced one keeps signing next to it (deliveries carry
   * both signatures) until the overlap ends, so receivers can switch without losing any.
   * Returns the endpoint with its new secret.
   */
  async rotateSecret(id: string, input: RotateSecretInput = {}, scope: TenantScope = {}): Promise<WebhookEndpoint> {
    const overlapSeconds = input.overlapSeconds ?? DEFAULT_ROTATION_OVERLAP_SECONDS;
    if (!Number.isInteger(overlapSeconds) || overlapSeconds < 0 || overlapSeconds > MAX_ROTATION_OVERLAP_SECONDS) {
      throw new BadRequestException(`overlapSeconds must be an integer from 0 to ${MAX_ROTATION_OVERLAP_SECONDS}`);
    }
    if (input.secret !== undefined) this.assertSecret(input.secret);
    const rotated = await this.store.changeLocked(id, scope.tenantId ?? null, (endpoint) => {
      if (input.secret === endpoint.secret) throw new BadRequestException('secret must differ from the current secret');
      const now = new Date();
      const newSecret = input.secret ?? generateSigningSecret(signatureSchemeOf(endpoint.secret));
      return { ...rotateSecrets(endpoint, newSecret, overlapSeconds * 1000, DEFAULT_MAX_PREVIOUS_SECRETS, now), updatedAt: now };
    });
    if (!rotated) throw new NotFoundException(`endpoint ${id} not found`);
    return rotated;
  }

  private assertInput(input: object, mode: 'create' | 'update'): void {
    const problem = findEndpointInputProblem(input as Record<string, unknown>, mode);
    if (problem) throw new BadRequestException(problem);
  }

  private async assertValid(input: Partial<CreateEndpointInput>): Promise<void> {
    if (input.url !== undefined) {
      const problem = await findEndpointUrlProblem(input.url, { allowHttp: this.options.allowHttp, policy: this.policy, resolve: this.options.resolveHost });
      if (problem) throw new BadRequestException(problem);
    }
    if (input.eventTypes !== undefined) {
      const unknown = this.catalog.unknownPatterns(input.eventTypes);
      if (unknown.length) throw new BadRequestException(`eventTypes: unknown event type ${unknown.map((t) => `"${t}"`).join(', ')}`);
    }
  }

  private assertSecret(secret: string): void {
    const problem = findSigningSecretProblem(secret);
    if (problem) throw new BadRequestException(problem);
  }

  private async assertUrlFree(tenantId: string | null, url: string): Promise<void> {
    if (await this.findLive(tenantId, url)) throw urlTaken();
  }

  /** Deleted endpoints do not count: `count` leaves soft-deleted rows out. */
  private async assertRoomForEndpoint(tenantId: string | null): Promise<void> {
    const max = this.options.maxEndpointsPerTenant;
    if ((await this.store.countLive(tenantId)) >= max) {
      throw new ConflictException(`this tenant has ${max} endpoints, the most it may have (maxEndpointsPerTenant); delete one first`);
    }
  }

  private findLive(tenantId: string | null, url: string): Promise<WebhookEndpoint | null> {
    return this.store.findLiveByUrl(tenantId, url);
  }
}

function urlTaken(): ConflictException {
  return new ConflictException('url: an endpoint with this URL already exists');
}
