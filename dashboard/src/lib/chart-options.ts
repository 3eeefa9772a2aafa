/**
 * ECharts options of the dashboard's few chart kinds, so pages say what to draw, not how.
 * Values are formatted by the caller's functions (Intl, in the current language).
 */
import type { ChartOption } from './echarts.ts';
import type { ChartPoint } from './ui-types.ts';

export interface SeriesSpec {
  name: string;
  data: Array<number | null>;
  color: string;
  /** Same stack name: bars stacked on each other. */
  stack?: string;
  dashed?: boolean;
  /** Carries an id for clicks (a channel, a score, a category). */
  id?: string;
}

const grid = { left: 8, right: 12, top: 36, bottom: 8, containLabel: true };
const legend = (names: string[]) => ({ type: 'scroll' as const, top: 0, data: names, textStyle: { fontSize: 11 } });

/** Bars, stacked when the series share a stack name. */
export function barChart(categories: string[], series: SeriesSpec[], fmt: (v: number) => string, opts: { horizontal?: boolean } = {}): ChartOption {
  const valueAxis = { type: 'value' as const, axisLabel: { formatter: (v: number) => fmt(v), fontSize: 11 }, minInterval: 1 };
  const catAxis = { type: 'category' as const, data: categories, axisLabel: { fontSize: 11, hideOverlap: true }, axisTick: { alignWithLabel: true } };
  return {
    grid: { ...grid, top: series.length > 1 ? 36 : 12 },
    legend: series.length > 1 ? legend(series.map((s) => s.name)) : undefined,
    tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' }, valueFormatter: (v) => (typeof v === 'number' ? fmt(v) : '—') },
    xAxis: opts.horizontal ? valueAxis : catAxis,
    yAxis: opts.horizontal ? { ...catAxis, inverse: true } : valueAxis,
    series: series.map((s) => ({
      type: 'bar' as const,
      id: s.id,
      name: s.name,
      stack: s.stack,
      data: s.data,
      itemStyle: { color: s.color },
      barMaxWidth: 36,
      emphasis: { focus: 'series' as const },
    })),
  };
}

/** Lines over categories (gaps where a value is null: a bucket with no rooms has no average). */
export function lineChart(categories: string[], series: SeriesSpec[], fmt: (v: number) => string, opts: { min?: number; max?: number; step?: number; log?: boolean } = {}): ChartOption {
  // A log axis keeps a median of minutes readable beside a 90th percentile of days; it has no 0.
  if (opts.log) {
    const base = lineChart(categories, series.map((x) => ({ ...x, data: x.data.map((v) => (v !== null && v > 0 ? v : null)) })), fmt);
    return { ...base, yAxis: { type: 'log', logBase: 10, axisLabel: { formatter: (v: number) => fmt(v), fontSize: 11 } } };
  }
  return {
    grid: { ...grid, top: series.length > 1 ? 36 : 12 },
    legend: series.length > 1 ? legend(series.map((s) => s.name)) : undefined,
    tooltip: { trigger: 'axis', valueFormatter: (v) => (typeof v === 'number' ? fmt(v) : '—') },
    xAxis: { type: 'category', data: categories, boundaryGap: false, axisLabel: { fontSize: 11, hideOverlap: true } },
    yAxis: {
      type: 'value',
      min: opts.min,
      // With a fixed step the top is the next whole step, so the last label is round too.
      max: opts.max ?? (opts.step ? (e: { max: number }) => Math.max(opts.step!, Math.ceil(e.max / opts.step!) * opts.step!) : undefined),
      interval: opts.step,
      axisLabel: { formatter: (v: number) => fmt(v), fontSize: 11 },
    },
    series: series.map((s) => ({
      type: 'line' as const,
      id: s.id,
      name: s.name,
      data: s.data,
      connectNulls: false,
      showSymbol: true,
      symbolSize: 6,
      itemStyle: { color: s.color },
      lineStyle: { color: s.color, type: s.dashed ? ('dashed' as const) : ('solid' as const), width: 2 },
    })),
  };
}

/** Rows x columns of counts (weekday x hour), darker for more. */
export function heatmapChart(rows: string[], cols: string[], cells: Array<[number, number, number]>, name: string, fmt: (v: number) => string): ChartOption {
  const max = Math.max(1, ...cells.map((c) => c[2]));
  return {
    grid: { left: 8, right: 12, top: 8, bottom: 48, containLabel: true },
    tooltip: {
      position: 'top',
      formatter: (p) => {
        const d = (p as unknown as { data: [number, number, number] }).data;
        return `${rows[d[1]]} ${cols[d[0]]}:00 — ${name}: ${fmt(d[2])}`;
      },
    },
    xAxis: { type: 'category', data: cols, splitArea: { show: true }, axisLabel: { fontSize: 10, hideOverlap: true } },
    yAxis: { type: 'category', data: rows, inverse: true, splitArea: { show: true }, axisLabel: { fontSize: 11 } },
    // The legend's ends carry their numbers ("0" and the busiest cell's count).
    visualMap: { min: 0, max, text: [fmt(max), fmt(0)], calculable: false, orient: 'horizontal', left: 'center', bottom: 0, itemHeight: 120, itemWidth: 10, textStyle: { fontSize: 10 }, inRange: { color: ['#eef2ff', '#1d4ed8'] } },
    series: [{ type: 'heatmap', name, data: cells, emphasis: { itemStyle: { borderColor: '#111', borderWidth: 1 } } }],
  };
}

const DURATION_STEPS = [1, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 10800, 21600, 43200, 86400, 172800, 604800];

/** A tick step for a seconds axis that reads as round durations (5 m, 30 m, 1 h...): at most 5 ticks up to `max`. */
export function durationStep(max: number): number {
  return DURATION_STEPS.find((s) => max / s <= 5) ?? Math.ceil(max / 5 / 604800) * 604800;
}

/** A chart's numbers as a table (the same values, formatted as the axis formats them), for screen readers. */
export interface ChartTable {
  headers: string[];
  rows: string[][];
  /** What a click on each value cell would tell (rows x series), so the table can drill down too; absent for a heatmap. */
  points?: ChartPoint[][];
}

type Axis = { type?: string; data?: string[]; axisLabel?: { formatter?: unknown } };
type Series = { type?: string; name?: string; id?: string; data?: unknown[] };

/**
 * The table behind a chart made by the functions above: one row per category (bucket,
 * agent...) and one column per series, or, for a heatmap, one row per row label and one
 * column per column label. Read from the option itself, so it always shows what is drawn.
 */
export function chartTable(option: ChartOption): ChartTable | null {
  const o = option as { xAxis?: Axis; yAxis?: Axis; series?: Series[]; visualMap?: unknown };
  const series = o.series ?? [];
  const x = o.xAxis ?? {};
  const y = o.yAxis ?? {};
  const format = (axis: Axis) => (typeof axis.axisLabel?.formatter === 'function' ? (axis.axisLabel.formatter as (v: number) => string) : (v: number) => String(v));
  const cell = (f: (v: number) => string, v: unknown) => (typeof v === 'number' ? f(v) : '—');
  if (series[0]?.type === 'heatmap') {
    const cols = x.data ?? [];
    const rows = y.data ?? [];
    const grid = rows.map(() => cols.map(() => '0'));
    for (const d of (series[0].data ?? []) as Array<[number, number, number]>) if (grid[d[1]]) grid[d[1]][d[0]] = String(d[2]);
    return { headers: ['', ...cols], rows: rows.map((r, i) => [r, ...grid[i]]) };
  }
  const cat = x.type === 'category' ? x : y.type === 'category' ? y : null;
  if (!cat?.data) return null;
  const f = format(cat === x ? y : x);
  return {
    headers: ['', ...series.map((s) => s.name ?? '')],
    rows: cat.data.map((c, i) => [c, ...series.map((s) => cell(f, s.data?.[i]))]),
    points: cat.data.map((c, i) => series.map((s, j) => ({ seriesId: s.id, seriesName: s.name, seriesIndex: j, dataIndex: i, name: c, value: s.data?.[i], data: s.data?.[i] }))),
  };
}
