import { IsInt, IsOptional, IsPositive, IsString, Length, Matches } from 'class-validator';

/** Body of `POST /invoices`. */
export class CreateInvoiceDto {
  @IsString()
  @Length(1, 200)
  customer: string;

  /** In minor units (cents). */
  @IsInt()
  @IsPositive()
  amount: number;

  @IsOptional()
  @Matches(/^[A-Z]{3}$/, { message: 'currency must be a 3-letter ISO code, e.g. EUR' })
  currency?: string;
}
