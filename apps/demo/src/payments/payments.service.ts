import { BadRequestException, Inject, Injectable, NotFoundException } from '@nestjs/common';
import { EmitsWebhook } from 'nestjs-webhooks';
import { DEMO_CONFIG } from '../config/demo-config.module';
import type { DemoConfig } from '../config/demo-config';
import type { Payment, Refund } from './payment.model';

/** Payments kept in memory; each successful call below also sends a webhook. */
@Injectable()
export class PaymentsService {
  private readonly payments = new Map<string, Payment>();

  /** The demo serves one customer account, whose endpoints receive its webhooks. */
  constructor(@Inject(DEMO_CONFIG) private readonly config: DemoConfig) {}

  /** Synchronous: the webhook is published right after the method returned. */
  @EmitsWebhook('payment.verified', { data: (payment: Payment) => payment, tenant: (payment: Payment) => payment.tenantId })
  verify(paymentId: string, amount: number, currency = 'EUR'): Payment {
    const payment: Payment = {
      id: paymentId,
      tenantId: this.config.tenant,
      amount,
      currency,
      status: 'verified',
      refundedAmount: 0,
      verifiedAt: new Date().toISOString(),
    };
    this.payments.set(paymentId, payment);
    return { ...payment };
  }

  /** Asynchronous: the webhook is published once the promise resolved; a throw sends nothing. */
  @EmitsWebhook('payment.refunded', { tenant: (refund: Refund) => refund.tenantId })
  async refund(paymentId: string, amount?: number, reason?: string): Promise<Refund> {
    const payment = this.payments.get(paymentId);
    if (!payment) throw new NotFoundException(`payment ${paymentId} was not verified`);
    const left = payment.amount - payment.refundedAmount;
    const refunded = amount ?? left;
    if (left === 0) throw new BadRequestException(`payment ${paymentId} is already fully refunded`);
    if (refunded > left) throw new BadRequestException(`at most ${left} can still be refunded`);
    payment.refundedAmount += refunded;
    payment.status = payment.refundedAmount === payment.amount ? 'refunded' : 'partially_refunded';
    return { paymentId, tenantId: payment.tenantId, amount: refunded, currency: payment.currency, reason: reason ?? null, refundedAt: new Date().toISOString() };
  }

  find(paymentId: string): Payment | undefined {
    const payment = this.payments.get(paymentId);
    return payment && { ...payment };
  }
}
