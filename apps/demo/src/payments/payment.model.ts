export interface Payment {
  id: string;
  /** In minor units (cents). */
  amount: number;
  currency: string;
  status: 'verified' | 'refunded' | 'partially_refunded';
  refundedAmount: number;
  verifiedAt: string;
}

export interface Refund {
  paymentId: string;
  /** In minor units (cents). */
  amount: number;
  currency: string;
  reason: string | null;
  refundedAt: string;
}
