import { useEffect, useRef } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';

/** A line chart over time (uPlot): x in unix seconds, one or more series. */
export function TimeChart({
  title,
  x,
  series,
  height = 220,
  xRange,
}: {
  title: string;
  x: number[];
  series: { label: string; values: (number | null)[]; color: string }[];
  height?: number;
  xRange?: [number, number];
}) {
  const host = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const element = host.current;
    if (!element) return;
    const plot = new uPlot(
      {
        width: Math.max(280, element.clientWidth),
        height,
        series: [{}, ...series.map((s) => ({ label: s.label, stroke: s.color, width: 2, points: { show: x.length < 40 } }))],
        axes: [{}, { size: 70 }],
        // A fixed span (the month) keeps a chart with one point from zooming out to years.
        scales: xRange ? { x: { time: true, range: () => xRange } } : undefined,
        legend: { show: true },
      },
      [x, ...series.map((s) => s.values)] as uPlot.AlignedData,
      element,
    );
    const observer = new ResizeObserver(() => plot.setSize({ width: Math.max(280, element.clientWidth), height }));
    observer.observe(element);
    return () => {
      observer.disconnect();
      plot.destroy();
    };
  }, [x, series, height, xRange?.[0], xRange?.[1]]);
  return (
    <figure className="chart">
      <figcaption>{title}</figcaption>
      <div ref={host} role="img" aria-label={`${title} chart`} />
    </figure>
  );
}
