import { BadRequestException, Param, ParseUUIDPipe } from '@nestjs/common';

/** The `:id` route parameter, which must be a UUID (400 naming it otherwise). */
export const IdParam = (): ParameterDecorator =>
  Param('id', new ParseUUIDPipe({ exceptionFactory: () => new BadRequestException('id must be a UUID') }));
