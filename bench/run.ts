/**
 * `npm run bench [-- --only <id>[,<id>…]] [--profile]`: runs the scenarios in order, prints
 * the table and writes bench-results/<date>.json. Needs PostgreSQL and Redis like the tests.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import Redis from 'ioredis';
import { Client } from 'pg';
import { BenchContext } from './support/context';
import { renderTable } from './support/report';
import { renderCpuTable, renderSummary } from './support/summary';
import { POSTGRES_URL, REDIS_URL } from './support/services';
import { CONCURRENCY, DATABASE_POOL_SIZE, ENDPOINT_TIMEOUT_MS, PUBLISH_CONCURRENCY } from './support/workload';
import type { Scenario } from './scenarios/scenario';
import { backlogScenario } from './scenarios/backlog';
import { embeddedScenario } from './scenarios/embedded';
import { embeddedPostgresScenario } from './scenarios/embedded-postgres';
import { fanOutScenario } from './scenarios/fan-out';
import { latencyScenario } from './scenarios/latency';
import { slowEndpointsScenario } from './scenarios/slow-endpoints';
import { throughputScenario } from './scenarios/throughput';

const SCENARIOS: Scenario[] = [throughputScenario, latencyScenario, fanOutScenario, slowEndpointsScenario, backlogScenario, embeddedScenario, embeddedPostgresScenario];
/** A run that hangs somewhere still ends. */
const RUN_LIMIT_MS = 20 * 60_000;
const RESULTS_DIR = join(__dirname, '../../../bench-results');

interface Arguments {
  only: string[];
  profile: boolean;
}

function parseArguments(argv: string[]): Arguments {
  const parsed: Arguments = { only: [], profile: false };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--only') parsed.only.push(...(argv[++i] ?? '').split(','));
    else if (arg.startsWith('--only=')) parsed.only.push(...arg.slice('--only='.length).split(','));
    else if (arg === '--profile') parsed.profile = true;
    else throw new Error(`unknown argument ${arg}; use --only <${SCENARIOS.map((s) => s.id).join('|')}>[,...] and --profile`);
  }
  const unknown = parsed.only.filter((id) => !SCENARIOS.some((scenario) => scenario.id === id));
  if (unknown.length > 0) throw new Error(`unknown scenario ${unknown.join(', ')}; known: ${SCENARIOS.map((s) => s.id).join(', ')}`);
  return parsed;
}

async function serviceVersions(): Promise<{ postgres: string; redis: string }> {
  const pg = new Client({ connectionString: POSTGRES_URL });
  await pg.connect();
  const postgres = (await pg.query<{ server_version: string }>('SHOW server_version')).rows[0].server_version;
  await pg.end();
  const redis = new Redis(REDIS_URL, { maxRetriesPerRequest: 1 });
  const info = await redis.info('server');
  redis.disconnect();
  return { postgres, redis: /redis_version:(\S+)/.exec(info)?.[1] ?? 'unknown' };
}

async function main(): Promise<void> {
  const args = parseArguments(process.argv.slice(2));
  const watchdog = setTimeout(() => {
    process.stderr.write(`bench: still running after ${RUN_LIMIT_MS / 60_000} min, giving up\n`);
    process.exit(2);
  }, RUN_LIMIT_MS);
  watchdog.unref();

  const startedAt = new Date();
  const stamp = startedAt.toISOString().replace(/:/g, '-').replace(/\.\d+Z$/, 'Z');
  const profileDir = args.profile ? join(RESULTS_DIR, `profiles-${stamp}`) : undefined;
  if (profileDir) mkdirSync(profileDir, { recursive: true });
  const ctx = new BenchContext(profileDir);
  const selected = args.only.length > 0 ? SCENARIOS.filter((scenario) => args.only.includes(scenario.id)) : SCENARIOS;
  const failures: Array<{ scenario: string; error: string }> = [];

  for (const scenario of selected) {
    ctx.log(`${scenario.title}`);
    try {
      await scenario.run(ctx);
    } catch (error) {
      failures.push({ scenario: scenario.id, error: (error as Error).stack ?? String(error) });
      process.stderr.write(`bench: ${scenario.id} failed: ${(error as Error).stack}\n`);
    }
  }

  const durationS = (Date.now() - startedAt.getTime()) / 1000;
  process.stdout.write(`\n${renderTable(ctx.figures)}\n\n${renderCpuTable(ctx.cpuRows)}\n\n`);
  const result = {
    date: startedAt.toISOString(),
    command: ['npm run bench', ...(process.argv.length > 2 ? ['--', ...process.argv.slice(2)] : [])].join(' '),
    durationS,
    machine: {
      cpus: cpus().length,
      cpuModel: cpus()[0]?.model,
      memoryMb: Math.round(totalmem() / 1024 / 1024),
      node: process.version,
      ...(await serviceVersions()),
      note: 'PostgreSQL, Redis, the worker processes and the bench process (publisher, receiver) share these cores',
    },
    settings: { concurrency: CONCURRENCY, publishConcurrency: PUBLISH_CONCURRENCY, databasePoolSize: DATABASE_POOL_SIZE, endpointTimeoutMs: ENDPOINT_TIMEOUT_MS },
    figures: ctx.figures,
    targets: ctx.targets,
    cpuPerDelivery: ctx.cpuRows,
    details: ctx.details,
    failures,
    profiles: profileDir,
  };
  mkdirSync(RESULTS_DIR, { recursive: true });
  const file = join(RESULTS_DIR, `${stamp}.json`);
  writeFileSync(file, `${JSON.stringify(result, null, 2)}\n`);
  process.stdout.write(`${selected.length} scenario(s) in ${durationS.toFixed(0)} s; results in ${file}\n`);
  if (profileDir) process.stdout.write(`CPU profiles in ${profileDir} (summarise: node dist/bench/bench/profile-summary.js <file>)\n`);
  process.stdout.write(`\n${renderSummary(ctx.targets)}\n`);
  process.exitCode = failures.length > 0 ? 1 : 0;
}

main().catch((error: Error) => {
  process.stderr.write(`bench: ${error.stack ?? error.message}\n`);
  process.exit(1);
});
