import { ConflictException, Injectable, NotFoundException } from '@nestjs/common';
import { EmitsWebhook } from 'nestjs-webhooks';
import type { Invoice } from './invoice.model';

/** Invoices kept in memory. */
@Injectable()
export class InvoicesService {
  private readonly invoices = new Map<string, Invoice>();
  private sequence = 0;

  /** Not decorated: the controller route that calls it sends `invoice.created`. */
  create(customer: string, amount: number, currency = 'EUR'): Invoice {
    this.sequence += 1;
    const invoice: Invoice = {
      id: `inv_${String(this.sequence).padStart(4, '0')}`,
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

  @EmitsWebhook('invoice.paid')
  pay(invoiceId: string): Invoice {
    const invoice = this.invoices.get(invoiceId);
    if (!invoice) throw new NotFoundException(`invoice ${invoiceId} not found`);
    if (invoice.status === 'paid') throw new ConflictException(`invoice ${invoiceId} is already paid`);
    invoice.status = 'paid';
    invoice.paidAt = new Date().toISOString();
    return { ...invoice };
  }
}
