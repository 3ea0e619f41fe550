/** One figure of the results table. */
export interface Figure {
  scenario: string;
  name: string;
  value: number;
  unit: string;
  /** The figure divided by a baseline (or reference) measured in the same run. */
  ratio?: { value: number; against: string };
  target?: { text: string; met: boolean };
  note?: string;
}

export function formatValue(value: number, unit: string): string {
  const digits = Math.abs(value) >= 100 || Number.isInteger(value) ? 0 : Math.abs(value) >= 10 ? 1 : 2;
  const number = value.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });
  return unit ? `${number} ${unit}` : number;
}

/** The figures as a plain-text table (also valid Markdown). */
export function renderTable(figures: readonly Figure[]): string {
  const header = ['Scenario', 'Figure', 'Value', 'Ratio', 'Target', 'Met'];
  const rows = figures.map((figure) => [
    figure.scenario,
    figure.name,
    formatValue(figure.value, figure.unit),
    figure.ratio ? `${figure.ratio.value.toFixed(2)} × ${figure.ratio.against}` : '',
    figure.target?.text ?? '',
    figure.target ? (figure.target.met ? 'yes' : 'NO') : '',
  ]);
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => row[column].length)));
  const line = (cells: string[]) => `| ${cells.map((cell, column) => cell.padEnd(widths[column])).join(' | ')} |`;
  const table = [line(header), `|${widths.map((width) => '-'.repeat(width + 2)).join('|')}|`, ...rows.map(line)];
  const noted = figures.filter((figure) => figure.note);
  if (noted.length > 0) table.push('', 'Notes:', ...noted.map((figure) => `- ${figure.scenario}, ${figure.name}: ${figure.note}`));
  return table.join('\n');
}

/** Percentile (nearest rank) of unsorted samples. */
export function percentile(samples: readonly number[], p: number): number {
  if (samples.length === 0) return Number.NaN;
  const sorted = [...samples].sort((a, b) => a - b);
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank];
}

export const MB = 1024 * 1024;
