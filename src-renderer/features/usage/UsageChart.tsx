import { useId } from 'react';
import { labelledColumns, layoutBars, shortDate } from './usage-chart.js';

const W = 640;
const H = 180;
const LEFT = 48;
const BOTTOM = 22;
const TOP = 8;

export interface ChartSeries {
  name: string;
  /** CSS class giving the fill colour (light and dark themes set it). */
  className: string;
}

interface UsageChartProps {
  title: string;
  /** One sentence for screen readers: what the chart shows and its highlights. */
  summary: string;
  dates: readonly string[];
  series: readonly ChartSeries[];
  /** Per date, one value per series. */
  values: readonly (readonly number[])[];
  format(n: number): string;
  /** Text of a column's tooltip. */
  describe(date: string, values: readonly number[]): string;
  testId?: string;
}

/** A stacked bar chart in plain SVG: an image with a title and description, and a tooltip per day. */
export function UsageChart({ title, summary, dates, series, values, format, describe, testId }: UsageChartProps) {
  const id = useId();
  const plotW = W - LEFT;
  const plotH = H - TOP - BOTTOM;
  const layout = layoutBars(values, plotW, plotH);
  const labelled = labelledColumns(dates.length, 8);
  return (
    <figure className="chart" data-testid={testId}>
      <figcaption className="chart-caption">
        <span>{title}</span>
        {series.length > 1 ? (
          <span className="chart-legend" aria-hidden="true">
            {series.map((s) => (
              <span key={s.name}>
                <span className={`legend-swatch ${s.className}`} /> {s.name}
              </span>
            ))}
          </span>
        ) : null}
      </figcaption>
      <svg viewBox={`0 0 ${W} ${H}`} role="img" aria-labelledby={`${id}-t ${id}-d`} preserveAspectRatio="xMinYMid meet" className="chart-svg">
        <title id={`${id}-t`}>{title}</title>
        <desc id={`${id}-d`}>{summary}</desc>
        <g transform={`translate(${LEFT},${TOP})`}>
          {layout.ticks.map((t) => {
            const y = plotH - (t / layout.max) * plotH;
            return (
              <g key={t} className="chart-grid">
                <line x1={0} x2={plotW} y1={y} y2={y} />
                <text x={-6} y={y} dy="0.32em" textAnchor="end">
                  {format(t)}
                </text>
              </g>
            );
          })}
          {layout.columns.map((c, i) => (
            <g key={dates[i]} data-date={dates[i]} className="chart-column">
              <title>{describe(dates[i]!, values[i]!)}</title>
              {/* A full-height transparent target, so an empty day has a tooltip too. */}
              <rect x={c.x} y={0} width={c.width} height={plotH} className="chart-hit" />
              {c.segments.map((s) => (
                <rect key={s.series} x={s.x} y={s.y} width={s.width} height={s.height} className={series[s.series]?.className} />
              ))}
              {labelled.has(i) ? (
                <text x={c.x + c.width / 2} y={plotH + 15} textAnchor="middle" className="chart-label">
                  {shortDate(dates[i]!)}
                </text>
              ) : null}
            </g>
          ))}
        </g>
      </svg>
    </figure>
  );
}
