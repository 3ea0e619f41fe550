import { Global, Module, type DynamicModule } from '@nestjs/common';
import type { DemoConfig } from './demo-config';

/** Injection token of the `DemoConfig`. */
export const DEMO_CONFIG = 'DEMO_CONFIG';

/** Makes the demo's configuration injectable everywhere. */
@Global()
@Module({})
export class DemoConfigModule {
  static forRoot(config: DemoConfig): DynamicModule {
    return {
      module: DemoConfigModule,
      providers: [{ provide: DEMO_CONFIG, useValue: config }],
      exports: [DEMO_CONFIG],
    };
  }
}
