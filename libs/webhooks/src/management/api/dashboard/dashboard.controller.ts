import { Controller, Get, Header, NotFoundException, Param, Req, StreamableFile } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { DASHBOARD_ASSETS } from './dashboard-assets';
import { DASHBOARD_ROUTE } from './dashboard.constants';
import { dashboardPage } from './dashboard-page.html';

// NOTE: the page and its scripts hold no data and are served without the guards; everything
// they show comes from the management routes, which run the guards (or check the portal token).
const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "base-uri 'self'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

/** Serves the dashboard page and its assets (plain HTML, CSS and ES modules, no build step). */
@ApiExcludeController()
@Controller(DASHBOARD_ROUTE)
export class DashboardController {
  @Get()
  @Header('content-type', 'text/html; charset=utf-8')
  @Header('cache-control', 'no-store')
  @Header('content-security-policy', CONTENT_SECURITY_POLICY)
  @Header('referrer-policy', 'no-referrer')
  @Header('x-content-type-options', 'nosniff')
  page(@Req() request: { originalUrl?: string; url?: string }): string {
    return dashboardPage(dashboardBase(request.originalUrl ?? request.url ?? `/${DASHBOARD_ROUTE}`));
  }

  @Get('assets/:name')
  @Header('cache-control', 'no-cache')
  @Header('x-content-type-options', 'nosniff')
  asset(@Param('name') name: string): StreamableFile {
    const asset = Object.hasOwn(DASHBOARD_ASSETS, name) ? DASHBOARD_ASSETS[name] : undefined;
    if (!asset) throw new NotFoundException(`no dashboard asset ${name}`);
    const body = Buffer.from(asset.body);
    return new StreamableFile(body, { type: asset.type, length: body.length });
  }
}

/** The page's own path (whatever prefixes the host added), so its relative links resolve under it. */
export function dashboardBase(requestUrl: string): string {
  const path = requestUrl.split(/[?#]/)[0];
  const end = path.lastIndexOf(`/${DASHBOARD_ROUTE}`);
  return `${end < 0 ? '' : path.slice(0, end)}/${DASHBOARD_ROUTE}/`;
}
