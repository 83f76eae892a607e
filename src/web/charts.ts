/**
 * Charts as SVG, drawn on the server with d3's scale and shape modules: readable without
 * JavaScript, and every chart sits beside the table of its numbers on the page.
 */
import { scaleBand, scaleLinear, scalePoint } from 'd3-scale';
import { line } from 'd3-shape';

const W = 640;
const H = 220;
const M = { top: 16, right: 16, bottom: 28, left: 44 };
const COLORS = ['#1d4ed8', '#b45309', '#047857', '#7c3aed', '#be123c', '#0e7490'];

const esc = (s: string): string => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

export interface Series {
  label: string;
  values: Array<number | null>;
}

function frame(title: string, body: string, legend: string): string {
  return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${W} ${H + 24}" role="img" aria-label="${esc(title)}" class="chart"><title>${esc(title)}</title>${body}${legend}</svg>`;
}

function axes(labels: readonly string[], x: (l: string) => number, y: ReturnType<typeof scaleLinear<number, number>>, format: (n: number) => string): string {
  const ticks = y.ticks(4).map((t) => `<g><line x1="${M.left}" x2="${W - M.right}" y1="${y(t)}" y2="${y(t)}" stroke="#e5e7eb"/><text x="${M.left - 6}" y="${y(t) + 4}" text-anchor="end" font-size="11" fill="#4b5563">${esc(format(t))}</text></g>`);
  const every = Math.max(1, Math.ceil(labels.length / 8));
  const xs = labels.map((l, i) => (i % every === 0 ? `<text x="${x(l)}" y="${H - 8}" text-anchor="middle" font-size="11" fill="#4b5563">${esc(l)}</text>` : ''));
  return ticks.join('') + xs.join('');
}

const legendOf = (series: readonly Series[]): string =>
  series.map((s, i) => `<g><rect x="${M.left + i * 150}" y="${H + 8}" width="10" height="10" fill="${COLORS[i % COLORS.length]}"/><text x="${M.left + i * 150 + 14}" y="${H + 17}" font-size="11">${esc(s.label)}</text></g>`).join('');

/** Lines over shared x labels (months); gaps where a value is null. */
export function lineChart(title: string, labels: readonly string[], series: readonly Series[], options: { max?: number; format?: (n: number) => string } = {}): string {
  const format = options.format ?? ((n: number) => String(n));
  const max = options.max ?? Math.max(1, ...series.flatMap((s) => s.values.filter((v): v is number => v !== null)));
  const x = scalePoint<string>().domain(labels).range([M.left + 10, W - M.right - 10]);
  const y = scaleLinear().domain([0, max]).nice().range([H - M.bottom, M.top]);
  const paths = series.map((s, i) => {
    const points = labels.map((l, j) => [x(l)!, s.values[j] ?? null] as const);
    const d = line<readonly [number, number | null]>()
      .defined((p) => p[1] !== null)
      .x((p) => p[0])
      .y((p) => y(p[1] ?? 0))(points);
    const dots = points.filter((p) => p[1] !== null).map((p) => `<circle cx="${p[0]}" cy="${y(p[1]!)}" r="3" fill="${COLORS[i % COLORS.length]}"/>`);
    return `<path d="${d ?? ''}" fill="none" stroke="${COLORS[i % COLORS.length]}" stroke-width="2"/>${dots.join('')}`;
  });
  return frame(title, axes(labels, (l) => x(l)!, y, format) + paths.join(''), legendOf(series));
}

/** Bars, one per label (a single series). */
export function barChart(title: string, labels: readonly string[], values: readonly number[], options: { format?: (n: number) => string } = {}): string {
  const format = options.format ?? ((n: number) => String(n));
  const x = scaleBand<string>().domain(labels).range([M.left, W - M.right]).padding(0.2);
  const y = scaleLinear().domain([0, Math.max(1, ...values)]).nice().range([H - M.bottom, M.top]);
  const bars = labels.map((l, i) => `<rect x="${x(l)}" y="${y(values[i]!)}" width="${x.bandwidth()}" height="${H - M.bottom - y(values[i]!)}" fill="${COLORS[0]}"><title>${esc(`${l}: ${format(values[i]!)}`)}</title></rect>`);
  return frame(title, axes(labels, (l) => x(l)! + x.bandwidth() / 2, y, format) + bars.join(''), '');
}

export const percent = (n: number | null): string => (n === null ? '—' : `${Math.round(n * 100)}%`);
