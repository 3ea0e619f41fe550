/** The JSON body the library sends to every endpoint. */
export interface WebhookEnvelope<T = unknown> {
  id: string;
  type: string;
  /** When the event happened (ISO 8601). */
  timestamp: string;
  data: T;
}

/** A webhook the demo receiver accepted. */
export interface ReceivedWebhook {
  id: string;
  type: string;
  timestamp: string;
  data: unknown;
  verified: true;
  receivedAt: string;
}
