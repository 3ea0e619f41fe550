export interface Invoice {
  id: string;
  customer: string;
  /** In minor units (cents). */
  amount: number;
  currency: string;
  status: 'open' | 'paid';
  createdAt: string;
  paidAt: string | null;
}
