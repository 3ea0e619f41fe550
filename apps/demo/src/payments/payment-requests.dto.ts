import { IsInt, IsOptional, IsPositive, IsString, Length, Matches } from 'class-validator';

/** Body of `POST /payments/:id/verify`. */
export class VerifyPaymentDto {
  /** In minor units (cents). */
  @IsInt()
  @IsPositive()
  amount: number;

  @IsOptional()
  @Matches(/^[A-Z]{3}$/, { message: 'currency must be a 3-letter ISO code, e.g. EUR' })
  currency?: string;
}

/** Body of `POST /payments/:id/refund`; no amount refunds what is left. */
export class RefundPaymentDto {
  @IsOptional()
  @IsInt()
  @IsPositive()
  amount?: number;

  @IsOptional()
  @IsString()
  @Length(1, 200)
  reason?: string;
}
