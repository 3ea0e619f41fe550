import type { TypeOrmModuleOptions } from '@nestjs/typeorm';
import { WEBHOOK_ENTITIES, WEBHOOK_MIGRATIONS } from 'nestjs-webhooks';
import type { DemoConfig } from './demo-config';

/** TypeORM connection of the demo: the library's entities and migrations (the module runs them: `runMigrations`). */
export function demoDatabaseOptions(config: DemoConfig): TypeOrmModuleOptions {
  return {
    ...config.database,
    // Classes, not globs: the demo has no entities of its own.
    entities: WEBHOOK_ENTITIES,
    migrations: WEBHOOK_MIGRATIONS,
    synchronize: false,
    logging: false,
  };
}
