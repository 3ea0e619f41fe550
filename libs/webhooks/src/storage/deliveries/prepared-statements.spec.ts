import type { DataSource } from 'typeorm';
import { PreparedStatements } from './prepared-statements';

describe('PreparedStatements', () => {
  function statementsOnAPool() {
    const names: Array<string | undefined> = [];
    const pool = {
      query: async (config: { name?: string }) => {
        names.push(config.name);
        return { rows: [] };
      },
    };
    return { statements: new PreparedStatements({ driver: { master: pool } } as unknown as DataSource), names };
  }

  it('names a statement once its runs have covered 5,000 rows, counting each batch by its array', async () => {
    const { statements, names } = statementsOnAPool();
    const batch = Array.from({ length: 100 }, (_, i) => `delivery-${i}`);
    for (let run = 0; run < 51; run++) await statements.rows('UPDATE batch', [new Date(), batch]);

    expect(names.slice(0, 50)).toEqual(Array(50).fill(undefined));
    expect(names[50]).toMatch(/^webhooks_[0-9a-f]{16}$/);
  });

  it('counts a run without an array as one row', async () => {
    const { statements, names } = statementsOnAPool();
    for (let run = 0; run < 5_001; run++) await statements.rows('UPDATE one', ['delivery', new Date()]);

    expect(names.slice(0, 5_000).every((name) => name === undefined)).toBe(true);
    expect(names[5_000]).toMatch(/^webhooks_[0-9a-f]{16}$/);
  });
});
