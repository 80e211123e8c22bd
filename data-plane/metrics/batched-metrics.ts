import { Counter, type CounterConfiguration, Gauge, type GaugeConfiguration, type Registry } from 'prom-client';

/**
 * Metrics that cost a number addition per request. prom-client hashes the label object and
 * validates its names on every `inc`/`observe`, its `labels()` children included (about 1 us per
 * update, a dozen updates per request: 5 % of a plain request's CPU in the profile). Here each
 * label set gets a cell once, requests add to plain numbers, and prom-client learns the totals
 * only when it is scraped (its `collect` hook, or `get()` for the histogram), so /metrics prints
 * exactly what prom-client's own metrics would.
 */

type Labels<T extends string> = Record<T, string>;

/** A running total for one label set (a counter's increments, a gauge's level). */
export class Tally {
  value = 0;
  constructor(readonly labels: Record<string, string>) {}
  add(amount = 1): void {
    this.value += amount;
  }
}

/** Cells by label values, made once per label set (as many as prom-client keeps series). */
function cellsOf<C>(make: (labels: Record<string, string>) => C) {
  const cells = new Map<string, C>();
  return {
    cells,
    cell(labels: Record<string, string>): C {
      const key = Object.values(labels).join('\u0000');
      let cell = cells.get(key);
      if (cell === undefined) cells.set(key, (cell = make(labels)));
      return cell;
    },
  };
}

/** A counter whose increments are added up per label set and handed to prom-client when scraped. */
export function batchedCounter<T extends string>(config: Omit<CounterConfiguration<T>, 'collect'>): { tally(labels: Labels<T>): Tally } {
  const { cells, cell } = cellsOf((labels) => new Tally(labels));
  new Counter<T>({
    ...config,
    collect() {
      for (const tally of cells.values()) {
        if (tally.value === 0) continue;
        this.inc(tally.labels as Labels<T>, tally.value);
        tally.value = 0;
      }
    },
  });
  return { tally: cell };
}

/** A gauge whose level is kept per label set (add +1 / -1) and set in prom-client when scraped. */
export function batchedGauge<T extends string>(config: Omit<GaugeConfiguration<T>, 'collect'>): { tally(labels: Labels<T>): Tally } {
  const { cells, cell } = cellsOf((labels) => new Tally(labels));
  new Gauge<T>({
    ...config,
    collect() {
      for (const tally of cells.values()) this.set(tally.labels as Labels<T>, tally.value);
    },
  });
  return { tally: cell };
}

/** One label set's buckets: `observe` is a bucket search and three additions. */
export class HistogramCell {
  /** Observations per bucket (not cumulative); the last slot is +Inf. */
  readonly counts: number[];
  sum = 0;
  count = 0;
  constructor(
    readonly labels: Record<string, string>,
    private readonly bounds: readonly number[],
  ) {
    this.counts = new Array(bounds.length + 1).fill(0);
  }
  observe(value: number): void {
    const { bounds } = this;
    let i = 0;
    while (i < bounds.length && value > bounds[i]) i++;
    this.counts[i]++;
    this.sum += value;
    this.count++;
  }
}

interface ExportedValue {
  labels: Record<string, string | number>;
  sharedLabels: Record<string, string>;
  value: number;
  metricName: string;
}

/**
 * A histogram registered on a prom-client registry through the metric interface the registry
 * reads (`name`, `help`, `type`, `get()`, `getForPromString()`, `reset()`): its values come out
 * in the shape prom-client's Histogram exports (cumulative `_bucket` with `le`, `_sum`, `_count`).
 */
export class BatchedHistogram<T extends string> {
  readonly type = 'histogram';
  readonly aggregator = 'sum';
  readonly name: string;
  readonly help: string;
  private readonly bounds: readonly number[];
  private readonly cellsByKey: ReturnType<typeof cellsOf<HistogramCell>>;

  constructor(config: { name: string; help: string; labelNames: readonly T[]; buckets: readonly number[]; registers: Registry[] }) {
    this.name = config.name;
    this.help = config.help;
    this.bounds = [...config.buckets].sort((a, b) => a - b);
    this.cellsByKey = cellsOf((labels) => new HistogramCell(labels, this.bounds));
    for (const registry of config.registers) registry.registerMetric(this as never);
  }

  cell(labels: Labels<T>): HistogramCell {
    return this.cellsByKey.cell(labels);
  }

  async getForPromString() {
    const values: ExportedValue[] = [];
    const bucket = `${this.name}_bucket`;
    for (const cell of this.cellsByKey.cells.values()) {
      let cumulative = 0;
      this.bounds.forEach((le, i) => {
        cumulative += cell.counts[i];
        values.push({ labels: { le }, sharedLabels: cell.labels, value: cumulative, metricName: bucket });
      });
      values.push({ labels: { le: '+Inf' }, sharedLabels: cell.labels, value: cell.count, metricName: bucket });
      values.push({ labels: {}, sharedLabels: cell.labels, value: cell.sum, metricName: `${this.name}_sum` });
      values.push({ labels: {}, sharedLabels: cell.labels, value: cell.count, metricName: `${this.name}_count` });
    }
    return { name: this.name, help: this.help, type: this.type, values, aggregator: this.aggregator };
  }

  async get() {
    const data = await this.getForPromString();
    return { ...data, values: data.values.map(({ labels, sharedLabels, ...rest }) => ({ ...rest, labels: { ...labels, ...sharedLabels } })) };
  }

  reset(): void {
    this.cellsByKey.cells.clear();
  }
}
