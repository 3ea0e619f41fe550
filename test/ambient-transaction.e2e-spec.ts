import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { TestReceiver } from './support/receiver';
import { createPostgresDatabase, uniqueName } from './support/services';

// `ambientTransactions`: inside a transaction of @nestjs-cls/transactional, an async decorated
// method's event is written in that transaction. The host app runs as its own process (see the
// fixture: that package cannot load under Jest's module runtime).

const FIXTURE = join(process.cwd(), 'dist/test-fixtures/test/fixtures/ambient-transaction-process.js');

interface Observed {
  seenFromOutside: number[];
  rollback: string;
  stored: unknown[];
}

function runFixture(config: object): Promise<Observed> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [FIXTURE], { env: { ...process.env, AMBIENT_PROCESS_CONFIG: JSON.stringify(config) }, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    let errors = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk));
    child.stderr.on('data', (chunk: Buffer) => (errors += chunk));
    child.on('close', (code) => {
      const line = output.trim().split('\n').pop() ?? '';
      if (code === 0 && line.startsWith('{')) resolve(JSON.parse(line) as Observed);
      else reject(new Error(`fixture exited ${code}: ${errors}${output}`));
    });
  });
}

describe('ambient transactions of @nestjs-cls/transactional (PostgreSQL)', () => {
  let database: Awaited<ReturnType<typeof createPostgresDatabase>>;
  let receiver: TestReceiver;
  let observed: Observed;

  beforeAll(async () => {
    database = await createPostgresDatabase();
    receiver = await TestReceiver.start();
    observed = await runFixture({ databaseUrl: database.url, receiverUrl: receiver.endpoint(), tenantId: uniqueName('ambient') });
  }, 90_000);

  afterAll(async () => {
    await receiver?.close();
    await database?.drop();
  });

  it('writes the event in the caller’s transaction: unseen from outside until it commits', () => {
    expect(observed.seenFromOutside).toEqual([0]);
  });

  it('keeps the committed event and none of the rolled-back one', () => {
    expect(observed.rollback).toBe('the caller changed its mind');
    expect(observed.stored).toEqual([{ number: 1 }]);
  });

  it('delivers the committed event, and only it', async () => {
    const [request] = await receiver.waitForRequests(1);
    expect(JSON.parse(request.body)).toMatchObject({ type: 'invoice.created', data: { number: 1 } });
    expect(receiver.requests).toHaveLength(1);
  });
});
