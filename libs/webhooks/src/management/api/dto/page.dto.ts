import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsBooleanString, IsInt, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';
import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE } from '../../page-options';

export { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE } from '../../page-options';

/** `?limit=&cursor=` of every list route. */
export class PageQueryDto {
  @ApiPropertyOptional({ minimum: 1, maximum: MAX_PAGE_SIZE, default: DEFAULT_PAGE_SIZE, description: 'Items per page.' })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(MAX_PAGE_SIZE)
  limit?: number;

  @ApiPropertyOptional({ description: 'Opaque cursor: `nextCursor` of the previous page.' })
  @IsOptional()
  @IsString()
  @MaxLength(512)
  cursor?: string;

  @ApiPropertyOptional({ enum: ['true', 'false'], default: 'false', description: 'Also answer `total`, how many items the filters match on every page (one more count query).' })
  @IsOptional()
  @IsBooleanString()
  includeTotal?: string;
}

/** Whether the client asked for `total`. */
export function wantsTotal(query: PageQueryDto): boolean {
  return query.includeTotal === 'true' || query.includeTotal === '1';
}

/** The part every page answer shares. */
export class PageInfoDto {
  @ApiProperty({ type: String, nullable: true, description: 'Pass as `cursor` to get the next page; null on the last page.' })
  nextCursor: string | null;

  @ApiPropertyOptional({ description: 'With `includeTotal=true`: how many items match the filters, on every page.' })
  total?: number;
}
