import type { BenchContext } from '../support/context';

/** One benchmark scenario: runs, adds its figures to the context, and cleans up after itself. */
export interface Scenario {
  /** What `--only` selects it by. */
  id: string;
  title: string;
  run(ctx: BenchContext): Promise<void>;
}
