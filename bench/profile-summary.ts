/**
 * Summarises a V8 CPU profile (`node --cpu-prof`, or `npm run bench -- --profile`): the
 * process's busy share, the functions with the most self time, the packages the time goes
 * to, and the library functions with the most inclusive time.
 *
 *   node dist/bench/bench/profile-summary.js <file.cpuprofile> [--top 25]
 */
import { readFileSync } from 'node:fs';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
  children?: number[];
}

interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

const IDLE = new Set(['(idle)', '(program)']);

function frameName(node: ProfileNode): string {
  const { functionName, url, lineNumber } = node.callFrame;
  return `${functionName || '(anonymous)'} ${shortUrl(url)}${url ? `:${lineNumber + 1}` : ''}`;
}

function shortUrl(url: string): string {
  const path = url.replace(/^file:\/\//, '');
  const modules = path.lastIndexOf('node_modules/');
  if (modules >= 0) return path.slice(modules + 'node_modules/'.length);
  const library = path.indexOf('libs/webhooks/dist/');
  if (library >= 0) return path.slice(library);
  return path;
}

/** Where a frame's code lives: an npm package, the library, Node itself, or V8 (GC, ...). */
function owner(node: ProfileNode): string {
  const url = node.callFrame.url;
  if (!url) return node.callFrame.functionName.startsWith('(') ? node.callFrame.functionName : '(native)';
  const modules = url.lastIndexOf('node_modules/');
  if (modules >= 0) {
    const parts = url.slice(modules + 'node_modules/'.length).split('/');
    return parts[0].startsWith('@') ? `${parts[0]}/${parts[1]}` : parts[0];
  }
  if (url.includes('libs/webhooks/dist/')) return 'webhooks library';
  if (url.startsWith('node:')) return 'node core';
  return 'other';
}

function summarise(profile: CpuProfile, top: number): string {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const parent = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);

  // Time per sample: the delta to the next sample.
  const selfMs = new Map<number, number>();
  for (let i = 0; i < profile.samples.length; i++) {
    const delta = (profile.timeDeltas[i + 1] ?? 0) / 1000;
    selfMs.set(profile.samples[i], (selfMs.get(profile.samples[i]) ?? 0) + delta);
  }
  const totalMs = [...selfMs.values()].reduce((a, b) => a + b, 0);
  const idleMs = [...selfMs].filter(([id]) => IDLE.has(byId.get(id)!.callFrame.functionName)).reduce((a, [, ms]) => a + ms, 0);
  const busyMs = totalMs - idleMs;

  const self = new Map<string, number>();
  const owners = new Map<string, number>();
  const inclusive = new Map<string, number>();
  for (const [id, ms] of selfMs) {
    const node = byId.get(id)!;
    if (IDLE.has(node.callFrame.functionName)) continue;
    self.set(frameName(node), (self.get(frameName(node)) ?? 0) + ms);
    owners.set(owner(node), (owners.get(owner(node)) ?? 0) + ms);
    // Inclusive time of library frames: each distinct frame on the stack counted once.
    const seen = new Set<string>();
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
      const frame = byId.get(at)!;
      if (owner(frame) !== 'webhooks library') continue;
      const name = frameName(frame);
      if (seen.has(name)) continue;
      seen.add(name);
      inclusive.set(name, (inclusive.get(name) ?? 0) + ms);
    }
  }

  const share = (ms: number) => `${((ms / busyMs) * 100).toFixed(1).padStart(5)} %`;
  const list = (entries: Map<string, number>, n: number) =>
    [...entries]
      .sort((a, b) => b[1] - a[1])
      .slice(0, n)
      .map(([name, ms]) => `  ${share(ms)}  ${ms.toFixed(0).padStart(7)} ms  ${name}`)
      .join('\n');
  return [
    `profile: ${(totalMs / 1000).toFixed(1)} s sampled, busy ${(busyMs / 1000).toFixed(1)} s (${((busyMs / totalMs) * 100).toFixed(0)} %); shares below are of busy time`,
    `\nby package:\n${list(owners, 15)}`,
    `\nself time, top ${top}:\n${list(self, top)}`,
    `\nlibrary functions, inclusive time, top ${top}:\n${list(inclusive, top)}`,
  ].join('\n');
}

function main(): void {
  const args = process.argv.slice(2);
  const topAt = args.indexOf('--top');
  const top = topAt >= 0 ? Number(args.splice(topAt, 2)[1]) : 25;
  if (args.length === 0) throw new Error('usage: profile-summary <file.cpuprofile>... [--top N]');
  for (const file of args) {
    process.stdout.write(`== ${file}\n${summarise(JSON.parse(readFileSync(file, 'utf8')) as CpuProfile, top)}\n\n`);
  }
}

main();
