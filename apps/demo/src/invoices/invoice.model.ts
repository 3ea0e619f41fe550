export interface Invoice {
  id: string;
  /** The customer account the invoice belongs to: its endpoints receive the webhooks. */
  tenantId: string;
  customer: string;
  /** In minor units (cents). */
  amount: number;
  currency: string;
  status: 'open' | 'paid';
  createdAt: string;
  paidAt: string | null;
}
