import { Body, Controller, HttpCode, Param, Post } from '@nestjs/common';
import { EmitsWebhook } from 'nestjs-webhooks';
import { CreateInvoiceDto } from './create-invoice.dto';
import type { Invoice } from './invoice.model';
import { InvoicesService } from './invoices.service';

@Controller('invoices')
export class InvoicesController {
  constructor(private readonly invoices: InvoicesService) {}

  /** `@EmitsWebhook` works on controller routes too: the route's result becomes `data`. */
  @Post()
  @EmitsWebhook('invoice.created', { tenant: (invoice: Invoice) => invoice.tenantId })
  create(@Body() body: CreateInvoiceDto): Invoice {
    return this.invoices.create(body.customer, body.amount, body.currency);
  }

  /** Sends `invoice.paid` (decorated service method). */
  @Post(':id/pay')
  @HttpCode(200)
  pay(@Param('id') id: string): Invoice {
    return this.invoices.pay(id);
  }
}
