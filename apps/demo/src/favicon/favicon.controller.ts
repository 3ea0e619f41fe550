import { Controller, Get, Header } from '@nestjs/common';

// The demo's icon: browsers ask every host for /favicon.ico, and a 404 there is noise in
// every page's console. SVG, which browsers accept at that address.
const FAVICON = Buffer.from(
  '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32"><rect width="32" height="32" rx="7" fill="#1a7f37"/><path d="M9 17l5 5 9-11" fill="none" stroke="#fff" stroke-width="3" stroke-linecap="round" stroke-linejoin="round"/></svg>',
);

@Controller()
export class FaviconController {
  @Get('favicon.ico')
  @Header('content-type', 'image/svg+xml')
  @Header('cache-control', 'public, max-age=86400')
  favicon(): Buffer {
    return FAVICON;
  }
}
