import { Controller, Get, Res } from '@nestjs/common';
import type { ServerResponse } from 'node:http';
import { WebhooksMetrics } from 'nestjs-webhooks';

@Controller('metrics')
export class MetricsController {
  constructor(private readonly webhooksMetrics: WebhooksMetrics) {}

  /** Prometheus scrape target: the library's metrics in the text exposition format. */
  @Get()
  async metrics(@Res({ passthrough: true }) response: ServerResponse): Promise<string> {
    response.setHeader('content-type', this.webhooksMetrics.contentType);
    return this.webhooksMetrics.metrics();
  }
}
