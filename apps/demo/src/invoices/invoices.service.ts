import { ConflictException, Inject, Injectable, NotFoundException } from '@nestjs/common';
import { EmitsWebhook } from 'nestjs-webhooks';
import { DEMO_CONFIG } from '../config/demo-config.module';
import type { DemoConfig } from '../config/demo-config';
import type { Invoice } from './invoice.model';

/** Invoices kept in memory. */
@Injectable()
export class InvoicesService {
  private readonly invoices = new Map<string, Invoice>();
  private sequence = 0;

  /** The demo serves one customer account, whose endpoints receive its webhooks. */
  constructor(@Inject(DEMO_CONFIG) private readonly config: DemoConfig) {}

  /** Not decorated: the controller route that calls it sends `invoice.created`. */
  create(customer: string, amount: number, currency = 'EUR'): Invoice {
    this.sequence += 1;
    const invoice: Invoice = {
      id: `inv_${String(this.sequence).padStart(4, '0')}`,
      tenantId: this.config.tenant,
      customer,
      amount,
      currency,
      status: 'open',
      createdAt: new Date().toISOString(),
      paidAt: null,
    };
    this.invoices.set(invoice.id, invoice);
    return { ...invoice };
  }

  @EmitsWebhook('invoice.paid', { tenant: (invoice: Invoice) => invoice.tenantId })
  pay(invoiceId: string): Invoice {
    const invoice = this.invoices.get(invoiceId);
    if (!invoice) throw new NotFoundException(`invoice ${invoiceId} not found`);
    if (invoice.status === 'paid') throw new ConflictException(`invoice ${invoiceId} is already paid`);
    invoice.status = 'paid';
    invoice.paidAt = new Date().toISOString();
    return { ...invoice };
  }
}
