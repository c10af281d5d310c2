import { useEffect, useRef, useState } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { api } from '../api.ts';
import { useClock } from '../timeline/console-clock.ts';

export interface HistoryChartProps {
  device: string;
  metric: string;
  unit: string;
}

const RANGES = [
  { label: '15 min', ms: 15 * 60_000 },
  { label: '1 h', ms: 3600_000 },
  { label: '6 h', ms: 6 * 3600_000 },
  { label: '24 h', ms: 24 * 3600_000 },
];

/**
 * The metric's history from /api/series over a chosen range, ending now (refreshed every 5 s)
 * or, while the timeline shows the past, at the moment it shows.
 */
export function HistoryChart({ device, metric, unit }: HistoryChartProps) {
  const box = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | null>(null);
  const [rangeMs, setRangeMs] = useState(RANGES[0]!.ms);
  const [points, setPoints] = useState(0);
  const live = useClock((s) => s.live);
  // Whole 10 s steps, so playback refetches a few times a second at most.
  const until = useClock((s) => Math.floor(s.t / 10_000) * 10_000);

  useEffect(() => {
    const el = box.current;
    if (!el) return;
    const chart = new uPlot(
      {
        width: el.clientWidth || 300,
        height: 150,
        legend: { show: false },
        cursor: { points: { size: 5 } },
        scales: { x: { time: true } },
        axes: [
          { stroke: '#8a97ad', grid: { stroke: '#1c2638' }, ticks: { stroke: '#1c2638' } },
          {
            stroke: '#8a97ad',
            grid: { stroke: '#1c2638' },
            ticks: { stroke: '#1c2638' },
            size: 44,
            label: unit,
            labelSize: 14,
          },
        ],
        series: [
          {},
          { stroke: '#5ab0ff', width: 1.5, fill: 'rgba(90,176,255,0.12)', points: { show: false } },
        ],
      },
      [[], []],
      el,
    );
    plot.current = chart;
    const resize = new ResizeObserver(() =>
      chart.setSize({ width: el.clientWidth || 300, height: 150 }),
    );
    resize.observe(el);
    return () => {
      resize.disconnect();
      chart.destroy();
      plot.current = null;
    };
  }, [unit]);

  useEffect(() => {
    let alive = true;
    const load = async () => {
      const to = live ? Date.now() : until;
      try {
        const { points: p } = await api.series(device, metric, to - rangeMs, to);
        if (!alive || !plot.current) return;
        plot.current.setData([p.map(([t]) => t / 1000), p.map(([, v]) => v)]);
        // The whole range, also when it holds one point or none.
        plot.current.setScale('x', { min: (to - rangeMs) / 1000, max: to / 1000 });
        setPoints(p.length);
      } catch {
        // the store may be down; the live value above still updates
      }
    };
    void load();
    const timer = live ? setInterval(load, 5000) : undefined;
    return () => {
      alive = false;
      clearInterval(timer);
    };
  }, [device, metric, rangeMs, live, until]);

  return (
    <div className="history">
      <div className="segmented small" role="radiogroup" aria-label="History range">
        {RANGES.map((r) => (
          <button
            key={r.ms}
            type="button"
            role="radio"
            aria-checked={r.ms === rangeMs}
            onClick={() => setRangeMs(r.ms)}
          >
            {r.label}
          </button>
        ))}
      </div>
      <div ref={box} className="chart" data-testid="history-chart" data-points={points} />
    </div>
  );
}
