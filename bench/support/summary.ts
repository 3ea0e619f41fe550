import type { CpuShares } from './cpu-usage';
import { formatValue } from './report';

/** One row of the closing summary: a figure against its target, as a ratio to a baseline of the same run when it has one. */
export interface TargetRow {
  id: string;
  name: string;
  value: number;
  unit: string;
  /** The baseline the target is a multiple of, measured in the same run. */
  baseline?: { name: string; value: number; unit: string };
  /** value / baseline.value, when there is a baseline. */
  ratio?: number;
  target: string;
  met: boolean;
}

/** CPU of one measured run, per process group, to divide by what it delivered. */
export interface CpuRow {
  scenario: string;
  name: string;
  deliveries: number;
  cpu: CpuShares;
}

/** Every target of the summary, listed even when its scenario did not run. */
const TARGET_IDS = ['T1', 'T2', 'T3', 'T4', 'T5', 'T6'];

/** Process groups as the CPU table shows them, in this order; the rest is "other". */
const CPU_GROUPS: Array<[key: string, title: string]> = [
  ['worker', 'worker'],
  ['bench (publisher, receiver)', 'bench/publisher'],
  ['postgres', 'PostgreSQL'],
  ['redis', 'Redis'],
];

function table(header: string[], rows: string[][]): string {
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => row[column].length)));
  const line = (cells: string[]) => `| ${cells.map((cell, column) => cell.padEnd(widths[column])).join(' | ')} |`;
  return [line(header), `|${widths.map((width) => '-'.repeat(width + 2)).join('|')}|`, ...rows.map(line)].join('\n');
}

/** CPU milliseconds per delivery for each process group of each measured run. */
export function renderCpuTable(rows: readonly CpuRow[]): string {
  const perDelivery = (seconds: number | undefined, deliveries: number) => (seconds === undefined || deliveries === 0 ? '' : ((seconds * 1000) / deliveries).toFixed(3));
  const body = rows.map((row) => {
    const known = CPU_GROUPS.reduce((sum, [key]) => sum + (row.cpu[key] ?? 0), 0);
    return [
      row.scenario,
      row.name,
      row.deliveries.toLocaleString('en-US'),
      ...CPU_GROUPS.map(([key]) => perDelivery(row.cpu[key] ?? 0, row.deliveries)),
      perDelivery(known, row.deliveries),
      perDelivery(row.cpu.other ?? 0, row.deliveries),
    ];
  });
  return `CPU ms per delivery, by process group:\n${table(['Scenario', 'Run', 'Deliveries', ...CPU_GROUPS.map(([, title]) => title), 'sum', 'other (not the bench)'], body)}`;
}

/** The one-screen summary: each target, its figure, the baseline, the ratio, met or not. */
export function renderSummary(rows: readonly TargetRow[]): string {
  const sorted = [...rows].sort((a, b) => a.id.localeCompare(b.id, 'en', { numeric: true }));
  const absent = TARGET_IDS.filter((id) => !rows.some((row) => row.id === id)).map((id) => [id, 'not measured in this run', '', '', '', '', '']);
  const body = sorted.map((row) => [
    row.id,
    row.name,
    formatValue(row.value, row.unit),
    row.baseline ? `${formatValue(row.baseline.value, row.baseline.unit)} ${row.baseline.name}` : '',
    row.ratio === undefined ? '' : `${row.ratio.toFixed(2)} ×`,
    row.target,
    row.met ? 'yes' : 'NO',
  ]);
  body.push(...absent);
  return `Summary against the targets:\n${table(['Target', 'Figure', 'Value', 'Baseline (same run)', 'Ratio', 'Target', 'Met'], body)}`;
}
