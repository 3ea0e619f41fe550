import { BadRequestException, Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';

/** Deepest nesting of objects and arrays a management request body may have (as .NET's JSON reader). */
export const MAX_JSON_BODY_DEPTH = 64;

/**
 * Refuses request bodies nested deeper than `MAX_JSON_BODY_DEPTH` with a 400.
 *
 * NOTE: class-transformer (every ValidationPipe, the host's global one included) recurses
 * once per level, so a 14 KB body 2,400 levels deep overflowed the stack: a 500. A guard,
 * because guards run before any pipe, global ones too; the walk is iterative, so it cannot
 * overflow itself. Body size needs no check here: the host's body parser refuses a body over
 * its limit with 413 before any route runs (and `toClientError` keeps that status, should
 * such an error reach the API's filter).
 */
@Injectable()
export class JsonBodyDepthGuard implements CanActivate {
  canActivate(context: ExecutionContext): boolean {
    const { body } = context.switchToHttp().getRequest<{ body?: unknown }>();
    if (nestsDeeperThan(body, MAX_JSON_BODY_DEPTH)) throw new BadRequestException(`the JSON body nests deeper than ${MAX_JSON_BODY_DEPTH} levels`);
    return true;
  }
}

/** True when objects and arrays in `value` nest more than `maxDepth` levels (a flat object is 1). */
export function nestsDeeperThan(value: unknown, maxDepth: number): boolean {
  const pending: Array<{ value: unknown; depth: number }> = [{ value, depth: 1 }];
  while (pending.length > 0) {
    const { value: current, depth } = pending.pop()!;
    if (typeof current !== 'object' || current === null) continue;
    if (depth > maxDepth) return true;
    for (const child of Object.values(current)) {
      if (typeof child === 'object' && child !== null) pending.push({ value: child, depth: depth + 1 });
    }
  }
  return false;
}
