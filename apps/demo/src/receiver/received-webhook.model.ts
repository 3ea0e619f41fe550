/** A webhook the demo receiver accepted. */
export interface ReceivedWebhook {
  id: string;
  type: string;
  timestamp: string;
  data: unknown;
  verified: true;
  receivedAt: string;
}
