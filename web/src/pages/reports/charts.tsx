/**
 * Chart.js, tree-shaken: only the bar and line charts with category/linear
 * scales, tooltips and legend are registered. Each chart is destroyed when
 * its canvas leaves the page or its data changes.
 */
import { useEffect, useRef } from 'preact/hooks';
import {
  BarController, BarElement, CategoryScale, Chart, Legend, LineController, LineElement, LinearScale, PointElement, Tooltip,
  type ChartConfiguration,
} from 'chart.js';

Chart.register(BarController, BarElement, LineController, LineElement, PointElement, CategoryScale, LinearScale, Tooltip, Legend);

export const COLORS = { answered: '#1a7f37', abandoned: '#c0262d', missed: '#d4a72c', serviceLevel: '#0b6bcb', aht: '#7a3ee8' };

export function ChartBox({ config, label, testid }: { config: ChartConfiguration<'bar' | 'line', Array<number | null>, string>; label: string; testid: string }) {
  const canvas = useRef<HTMLCanvasElement>(null);
  useEffect(() => {
    if (!canvas.current) return;
    const chart = new Chart(canvas.current, config);
    return () => chart.destroy();
  }, [config]);
  return (
    <div class="chart-box">
      <canvas ref={canvas} role="img" aria-label={label} data-testid={testid} />
    </div>
  );
}

/** One row of /stats/kpi as the statistics chart needs it. */
export interface KpiChartRow { answered: number; abandoned: number; unanswered: number; serviceLevel: number | null }

/** Volumes as stacked bars (answered, abandoned, unanswered) with the service level as a line on its own 0–100 % axis. */
export function kpiChartConfig(
  labels: string[], rows: KpiChartRow[], text: { answered: string; abandoned: string; unanswered: string; serviceLevel: string; calls: string },
  percent: (v: number) => string,
): ChartConfiguration<'bar' | 'line', Array<number | null>, string> {
  return {
    type: 'bar',
    data: {
      labels,
      datasets: [
        { type: 'bar', label: text.answered, data: rows.map((r) => r.answered), backgroundColor: COLORS.answered, stack: 'calls', yAxisID: 'y', maxBarThickness: 56 },
        { type: 'bar', label: text.abandoned, data: rows.map((r) => r.abandoned), backgroundColor: COLORS.abandoned, stack: 'calls', yAxisID: 'y', maxBarThickness: 56 },
        { type: 'bar', label: text.unanswered, data: rows.map((r) => r.unanswered), backgroundColor: COLORS.missed, stack: 'calls', yAxisID: 'y', maxBarThickness: 56 },
        { type: 'line', label: text.serviceLevel, data: rows.map((r) => r.serviceLevel), borderColor: COLORS.serviceLevel, backgroundColor: COLORS.serviceLevel, yAxisID: 'sl', spanGaps: true, tension: 0.2, pointRadius: 3 },
      ],
    },
    options: {
      responsive: true, maintainAspectRatio: false, animation: false, interaction: { mode: 'index', intersect: false },
      scales: {
        x: { stacked: true },
        y: { stacked: true, beginAtZero: true, ticks: { precision: 0 }, title: { display: true, text: text.calls } },
        sl: { position: 'right', min: 0, max: 1, grid: { drawOnChartArea: false }, ticks: { callback: (v: string | number) => percent(Number(v)) }, title: { display: true, text: text.serviceLevel } },
      },
    },
  };
}
