import type { RetryOnList, RetrySchedule } from '../options/webhooks-options.interface';
import type { SignatureScheme } from '../signing/signing-secret';
import type { JsonValue } from '../storage/entities/column-types';
import type { EndpointStatus } from '../storage/entities/endpoint.entity';

// What EndpointsService takes; its checks are in endpoint-input.rules.ts.

/** Whose endpoints: a tenant id, or null/absent for endpoints without a tenant. */
export interface TenantScope {
  tenantId?: string | null;
}

export interface CreateEndpointInput extends TenantScope {
  url: string;
  eventTypes: string[];
  description?: string | null;
  /**
   * `whsec_` + base64 of 24 to 64 bytes (HMAC, `v1,`) or a `whsk_` ed25519 signing key
   * (`v1a,`); generated for `signatureScheme` when absent.
   */
  secret?: string;
  /** How a generated secret signs. Default `hmac-sha256`. Ignored when `secret` is given. */
  signatureScheme?: SignatureScheme;
  /** Also send `X-Webhook-Signature: sha256=<hex HMAC of the body>` (HMAC secrets only). */
  legacySignatureHeader?: boolean;
  headers?: Record<string, string> | null;
  rateLimitPerSecond?: number | null;
  timeoutMs?: number | null;
  retrySchedule?: RetrySchedule | null;
  /** Which failed attempts retry (statuses 300 to 599 and `3xx`, `4xx`, `5xx`, `timeout`, `network`); null for the module's rule. */
  retryOn?: RetryOnList | null;
  /** Send the publisher's W3C trace context (`traceparent`, `tracestate`) with each attempt. Default true. */
  sendTraceContext?: boolean;
  metadata?: Record<string, JsonValue> | null;
}

export type UpdateEndpointInput = Partial<Omit<CreateEndpointInput, 'tenantId' | 'secret' | 'signatureScheme'>> & {
  status?: EndpointStatus.Active | EndpointStatus.Disabled | EndpointStatus.Paused;
};

export interface ListEndpointsFilter extends TenantScope {
  status?: EndpointStatus;
  /** Endpoints that would receive this event type. */
  eventType?: string;
}

export interface RotateSecretInput {
  /** The new secret; generated when absent. */
  secret?: string;
  /** How long the replaced secret keeps signing next to the new one. Default 24 h; 0 stops it at once. */
  overlapSeconds?: number;
}

/** What `ensure` did: registered the endpoint, brought it in line with the input, or found it so. */
export type EnsureOutcome = 'created' | 'updated' | 'unchanged';
