/**
 * A small live line chart in plain SVG: the 24-hour abandonment rate (left
 * axis, with the cap dashed) and the dial rate per minute (right axis), one
 * point per campaign.update since the page opened.
 */
import { fmtTime, t } from '../../i18n.ts';
import { pct } from './model.ts';

export interface Point { at: number; abandon: number | null; dialRate: number }

const W = 640, H = 180, L = 48, R = 48, TOP = 12, B = 26;
const COLOURS = { abandon: '#c0262d', dial: '#0b6bcb', cap: '#c0262d' };

export function LiveChart({ points, cap }: { points: Point[]; cap: number }) {
  const last = points[points.length - 1];
  const first = points[0];
  const span = first && last && last.at > first.at ? last.at - first.at : 60_000;
  const start = first ? first.at : Date.now();
  const aMax = Math.max(cap * 1.5, ...points.map((p) => p.abandon ?? 0), 0.001);
  const dMax = Math.max(1, ...points.map((p) => p.dialRate)) * 1.15;
  const x = (at: number) => L + ((at - start) / span) * (W - L - R);
  const ya = (v: number) => TOP + (1 - v / aMax) * (H - TOP - B);
  const yd = (v: number) => TOP + (1 - v / dMax) * (H - TOP - B);
  const path = (pts: Array<[number, number]>) => pts.map(([px, py], i) => `${i ? 'L' : 'M'}${px.toFixed(1)},${py.toFixed(1)}`).join(' ');
  // one point: draw it as a flat line across, so it can be seen
  const spread = (pts: Array<[number, number]>): Array<[number, number]> => (pts.length === 1 ? [[L, pts[0]![1]], [W - R, pts[0]![1]]] : pts);
  const abandon = spread(points.filter((p) => p.abandon !== null).map((p) => [x(p.at), ya(p.abandon ?? 0)]));
  const dial = spread(points.map((p) => [x(p.at), yd(p.dialRate)]));
  const label = `${t('camp.chart')}: ${t('camp.abandonRate')} ${pct(last?.abandon)}, ${t('camp.dialRate')} ${last ? last.dialRate.toFixed(1) : '–'}`;

  return (
    <figure class="live-chart">
      <svg viewBox={`0 0 ${W} ${H}`} role="img" aria-label={label} data-testid="campaign-chart" data-points={points.length}>
        <line x1={L} x2={W - R} y1={H - B} y2={H - B} stroke="#d9dee5" />
        <line x1={L} x2={W - R} y1={ya(cap)} y2={ya(cap)} stroke={COLOURS.cap} stroke-dasharray="4 4" opacity={0.6} />
        <text x={W - R - 4} y={ya(cap) - 4} text-anchor="end" class="chart-note" fill={COLOURS.cap}>{t('camp.cap')} {pct(cap, 0)}</text>
        <text x={L - 6} y={TOP + 4} text-anchor="end" fill={COLOURS.abandon} class="chart-axis">{pct(aMax, 1)}</text>
        <text x={L - 6} y={H - B} text-anchor="end" fill={COLOURS.abandon} class="chart-axis">0</text>
        <text x={W - R + 6} y={TOP + 4} fill={COLOURS.dial} class="chart-axis">{dMax.toFixed(1)}</text>
        <text x={W - R + 6} y={H - B} fill={COLOURS.dial} class="chart-axis">0</text>
        {first && <text x={L} y={H - 8} class="chart-axis">{fmtTime(new Date(start).toISOString())}</text>}
        {last && points.length > 1 && <text x={W - R} y={H - 8} text-anchor="end" class="chart-axis">{fmtTime(new Date(last.at).toISOString())}</text>}
        {dial.length > 0 && <path d={path(dial)} fill="none" stroke={COLOURS.dial} stroke-width={2} />}
        {abandon.length > 0 && <path d={path(abandon)} fill="none" stroke={COLOURS.abandon} stroke-width={2} />}
      </svg>
      <figcaption class="row small">
        <span><i class="swatch" style={{ background: COLOURS.abandon }} />{t('camp.abandonRate')}</span>
        <span><i class="swatch" style={{ background: COLOURS.dial }} />{t('camp.dialRate')}</span>
        <span class="muted">{t('camp.chartHint')}</span>
      </figcaption>
    </figure>
  );
}
