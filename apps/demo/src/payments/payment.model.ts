export interface Payment {
  id: string;
  /** The customer account the payment belongs to: its endpoints receive the webhooks. */
  tenantId: string;
  /** In minor units (cents). */
  amount: number;
  currency: string;
  status: 'verified' | 'refunded' | 'partially_refunded';
  refundedAmount: number;
  verifiedAt: string;
}

export interface Refund {
  paymentId: string;
  tenantId: string;
  /** In minor units (cents). */
  amount: number;
  currency: string;
  reason: string | null;
  refundedAt: string;
}
