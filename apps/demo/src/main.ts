import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { urlForLogs } from 'nestjs-webhooks';
import { OPERATOR_LINK_TTL_SECONDS, operatorLink } from './api/operator-link';
import { loadDemoConfig, RECEIVER_PATH, type DemoConfig } from './config/demo-config';
import { createDemoApp } from './create-demo-app';

async function bootstrap(): Promise<void> {
  const config = loadDemoConfig(process.env);
  const app = await createDemoApp(config);
  await app.listen(config.port);

  const logger = new Logger('Demo');
  const base = `http://127.0.0.1:${new URL(await app.getUrl()).port}`;
  const database = config.database.type === 'postgres' ? 'PostgreSQL' : `SQLite (${config.database.database})`;
  logger.log(`listening on ${base}`);
  logger.log(`database: ${database}; redis: ${describeRedis(config)}; webhooks ${config.webhooksEnabled ? 'enabled' : 'disabled'}`);
  logger.log(`endpoints: ${config.endpointUrls.map(urlForLogs).join(', ') || 'none'} (secret ${config.endpointSecretGenerated ? 'generated at start, in memory' : 'from DEMO_ENDPOINT_SECRET'})`);
  logger.log(`try:      curl -X POST ${base}/payments/p1/verify -H 'content-type: application/json' -d '{"amount":1000}'`);
  logger.log(`receiver: POST ${base}${RECEIVER_PATH}`);
  logger.log(`received: GET  ${base}/receiver/received`);
  logger.log(`health:   GET  ${base}/health`);
  if (config.role === 'worker') return;
  const tenants = [...new Set(Object.values(config.apiKeys))];
  logger.log(`API:      ${base}/webhooks, OpenAPI at ${base}/docs; ${tenants.length > 0 ? `header x-api-key (tenants ${tenants.join(', ')})` : 'set DEMO_API_KEYS=key:tenant,... for API keys'}`);
  if (tenants.length > 0) logger.log(`portal:   a customer's link (15 minutes, one tenant): curl -X POST ${base}/demo/portal-links -H 'x-api-key: <key>'`);
  // The link is a credential for the demo's tenant: printed for whoever started the demo.
  const link = operatorLink(app, config, base);
  logger.log(`dashboard (tenant ${config.tenant}, for ${OPERATOR_LINK_TTL_SECONDS / 3600} hours): ${link.url}`);
}

function describeRedis(config: DemoConfig): string {
  if (config.redis === undefined) return 'none (embedded mode: due deliveries are polled from the database)';
  return typeof config.redis === 'string' ? urlForLogs(config.redis) : 'ioredis options';
}

void bootstrap();
