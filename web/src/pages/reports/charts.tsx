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
