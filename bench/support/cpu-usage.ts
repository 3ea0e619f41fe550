import { readdirSync, readFileSync } from 'node:fs';
import { BENCH_DATABASE_PREFIX } from './services';

/** CPU seconds by consumer over a window: where the machine's two cores went. */
export type CpuShares = Record<string, number>;

const TICKS_PER_SECOND = 100;

/**
 * Reads /proc (Linux only; elsewhere it reports nothing) to tell how much CPU the bench
 * process, the sending process, PostgreSQL, Redis and everything else used between `start`
 * and `stop`. Processes that exit in between are missing from the figures.
 */
export class CpuUsage {
  private before = new Map<number, { group: string; ticks: number }>();
  private beforeTotal = 0;

  constructor(private readonly groupOf: (pid: number, command: string) => string = defaultGroup) {}

  start(): this {
    this.before = snapshot(this.groupOf);
    this.beforeTotal = machineTicks();
    return this;
  }

  /** CPU seconds per group since `start`, plus `idle` and `wallCapacity` (cores × seconds). */
  stop(): CpuShares {
    const after = snapshot(this.groupOf);
    const shares: CpuShares = {};
    for (const [pid, { group, ticks }] of after) {
      const used = ticks - (this.before.get(pid)?.ticks ?? 0);
      if (used > 0) shares[group] = (shares[group] ?? 0) + used / TICKS_PER_SECOND;
    }
    const capacity = (machineTicks() - this.beforeTotal) / TICKS_PER_SECOND;
    if (capacity > 0) shares.capacity = capacity;
    for (const key of Object.keys(shares)) shares[key] = Math.round(shares[key] * 100) / 100;
    return shares;
  }
}

function defaultGroup(pid: number, command: string): string {
  if (pid === process.pid) return 'bench (publisher, receiver)';
  if (command === 'postgres') return postgresGroup(pid);
  if (command.startsWith('redis-server')) return 'redis';
  if (command === 'node') return 'worker';
  return 'other';
}

/** Backends serving other databases (other users of the machine) are not the benchmark's. */
function postgresGroup(pid: number): string {
  try {
    const title = readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ');
    const backend = /^postgres: [^:]+: \S+ (\S+) (?:\S+\(\d+\)|\[local\])/.exec(title);
    return backend && !backend[1].startsWith(BENCH_DATABASE_PREFIX) ? 'other' : 'postgres';
  } catch {
    return 'postgres';
  }
}

/** A grouping that names the child processes that send (the workers) and counts other node processes apart. */
export function groupsWithChild(...childPids: Array<number | undefined>): (pid: number, command: string) => string {
  return (pid, command) => {
    if (childPids.includes(pid)) return 'worker';
    const group = defaultGroup(pid, command);
    return group === 'worker' ? 'other' : group;
  };
}

function snapshot(groupOf: (pid: number, command: string) => string): Map<number, { group: string; ticks: number }> {
  const processes = new Map<number, { group: string; ticks: number }>();
  let entries: string[];
  try {
    entries = readdirSync('/proc');
  } catch {
    return processes;
  }
  for (const entry of entries) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const close = stat.lastIndexOf(')');
      const command = stat.slice(stat.indexOf('(') + 1, close);
      const fields = stat.slice(close + 2).split(' ');
      // utime and stime are fields 14 and 15 of the line, 12 and 13 after the command.
      const ticks = Number(fields[11]) + Number(fields[12]);
      const pid = Number(entry);
      processes.set(pid, { group: groupOf(pid, command), ticks });
    } catch {
      // The process exited while being read.
    }
  }
  return processes;
}

/** Ticks of all cores since boot (busy and idle). */
function machineTicks(): number {
  try {
    const line = readFileSync('/proc/stat', 'utf8').split('\n')[0];
    return line.split(/\s+/).slice(1, 9).map(Number).reduce((a, b) => a + b, 0);
  } catch {
    return 0;
  }
}

/** A note for figures measured while other work (not the benchmark's) used much of the machine. */
export function otherLoadNote(cpu: CpuShares | undefined): string | undefined {
  if (!cpu?.capacity || !cpu.other) return undefined;
  const share = cpu.other / cpu.capacity;
  return share >= 0.1 ? `other processes used ${(share * 100).toFixed(0)} % of the machine meanwhile` : undefined;
}

/** Joins the notes that apply. */
export function notes(...parts: Array<string | undefined | false>): string | undefined {
  const kept = parts.filter((part): part is string => Boolean(part));
  return kept.length > 0 ? kept.join('; ') : undefined;
}
