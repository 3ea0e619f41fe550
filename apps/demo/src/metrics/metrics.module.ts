import { Module } from '@nestjs/common';
import { MetricsController } from './metrics.controller';

/** Serves `GET /metrics`. `WebhooksMetrics` comes from the global `WebhooksModule`. */
@Module({ controllers: [MetricsController] })
export class MetricsModule {}
