import { Body, Controller, HttpCode, Param, Post } from '@nestjs/common';
import { RefundPaymentDto, VerifyPaymentDto } from './payment-requests.dto';
import type { Payment, Refund } from './payment.model';
import { PaymentsService } from './payments.service';

@Controller('payments')
export class PaymentsController {
  constructor(private readonly payments: PaymentsService) {}

  /** Sends `payment.verified` (decorated service method). */
  @Post(':id/verify')
  @HttpCode(200)
  verify(@Param('id') id: string, @Body() body: VerifyPaymentDto): Payment {
    return this.payments.verify(id, body.amount, body.currency);
  }

  /** Sends `payment.refunded` (decorated async service method). */
  @Post(':id/refund')
  @HttpCode(200)
  refund(@Param('id') id: string, @Body() body: RefundPaymentDto): Promise<Refund> {
    return this.payments.refund(id, body.amount, body.reason);
  }
}
