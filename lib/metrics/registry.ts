/**
 * A small Prometheus registry: counters, gauges and histograms with labels,
 * rendered in the text exposition format (version 0.0.4). Hand-written
 * rather than prom-client: Skerry needs a dozen series, and prom-client's
 * default collectors lean on Node APIs Deno does not implement.
 *
 * Label cardinality is bounded twice: {@linkcode Registry.removeSeries}
 * drops every series with a given label value (a viewer that left), and each
 * metric holds at most `maxSeries` series (later ones are not recorded).
 *
 * @module
 */

/** Label values by label name. */
export type Labels = Readonly<Record<string, string>>;

/** The `Content-Type` of {@linkcode Registry.render}'s output. */
export const PROMETHEUS_CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

/** Definition of a metric. */
export interface MetricOptions {
  /** Metric name: `[a-zA-Z_:][a-zA-Z0-9_:]*`, with its unit (`_seconds`, `_bytes_total`). */
  name: string;
  /** One line saying what it measures. */
  help: string;
  /** Label names, in the order they are rendered. Default none. */
  labelNames?: readonly string[];
  /** Most series kept; later label sets are not recorded. Default 1000. */
  maxSeries?: number;
}

/** Definition of a histogram. */
export interface HistogramOptions extends MetricOptions {
  /** Upper bounds of the buckets, ascending (`+Inf` is added). */
  buckets: readonly number[];
}

const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

type MetricType = "counter" | "gauge" | "histogram";

/** What every metric kind shares: its name, help, labels and series. */
abstract class Metric<V> {
  readonly name: string;
  readonly help: string;
  readonly labelNames: readonly string[];
  abstract readonly type: MetricType;
  readonly #maxSeries: number;
  /** Series by the JSON array of their label values. */
  protected readonly series = new Map<string, { labels: string[]; value: V }>();

  constructor(options: MetricOptions) {
    if (!METRIC_NAME.test(options.name)) {
      throw new RangeError(`Cannot define metric "${options.name}": invalid name`);
    }
    for (const label of options.labelNames ?? []) {
      if (!LABEL_NAME.test(label) || label.startsWith("__") || label === "le") {
        throw new RangeError(`Cannot define metric "${options.name}": invalid label "${label}"`);
      }
    }
    this.name = options.name;
    this.help = options.help;
    this.labelNames = options.labelNames ?? [];
    this.#maxSeries = options.maxSeries ?? 1000;
  }

  /** Drops the series with exactly these labels. */
  remove(labels: Labels = {}): void {
    this.series.delete(this.#key(labels).key);
  }

  /** Drops every series whose label `name` is `value`. */
  removeWhere(name: string, value: string): void {
    const at = this.labelNames.indexOf(name);
    if (at < 0) return;
    for (const [key, s] of this.series) if (s.labels[at] === value) this.series.delete(key);
  }

  /** Drops every series. */
  clear(): void {
    this.series.clear();
  }

  /** The series' value, created with `initial()` if new; undefined past `maxSeries`. */
  protected entry(labels: Labels, initial: () => V): { value: V } | undefined {
    const { key, values } = this.#key(labels);
    let s = this.series.get(key);
    if (!s) {
      if (this.series.size >= this.#maxSeries) return undefined;
      s = { labels: values, value: initial() };
      this.series.set(key, s);
    }
    return s;
  }

  /** The `# HELP`, `# TYPE` and sample lines. */
  render(): string[] {
    const lines = [
      `# HELP ${this.name} ${escapeHelp(this.help)}`,
      `# TYPE ${this.name} ${this.type}`,
    ];
    for (const s of this.series.values()) lines.push(...this.samples(s.labels, s.value));
    return lines;
  }

  protected abstract samples(labels: string[], value: V): string[];

  /** `{a="1",b="2"}` for these label values (plus `extra`), or "" without labels. */
  protected labelText(values: string[], extra?: [string, string]): string {
    const pairs = this.labelNames.map((n, i) => `${n}="${escapeLabel(values[i]!)}"`);
    if (extra) pairs.push(`${extra[0]}="${escapeLabel(extra[1])}"`);
    return pairs.length === 0 ? "" : `{${pairs.join(",")}}`;
  }

  #key(labels: Labels): { key: string; values: string[] } {
    const names = Object.keys(labels);
    if (
      names.length !== this.labelNames.length || !this.labelNames.every((n) => n in labels)
    ) {
      throw new RangeError(
        `Metric ${this.name} takes labels [${this.labelNames.join(", ")}], got [${
          names.join(", ")
        }]`,
      );
    }
    const values = this.labelNames.map((n) => String(labels[n]));
    return { key: JSON.stringify(values), values };
  }
}

/** A value that only goes up (it resets when its source restarts). */
export class Counter extends Metric<number> {
  readonly type = "counter";

  /** Adds `by` (default 1, never negative). */
  inc(labels: Labels = {}, by = 1): void {
    if (!(by >= 0)) throw new RangeError(`Counter ${this.name} cannot add ${by}`);
    const e = this.entry(labels, () => 0);
    if (e) e.value += by;
  }

  /** Sets the total, for a count kept elsewhere (the helper's packets, a browser's frames). */
  set(labels: Labels, total: number): void {
    const e = this.entry(labels, () => 0);
    if (e) e.value = total;
  }

  /** The current total (0 if the series does not exist). */
  get(labels: Labels = {}): number {
    return this.series.get(JSON.stringify(this.labelNames.map((n) => String(labels[n]))))?.value ??
      0;
  }

  protected samples(labels: string[], value: number): string[] {
    return [`${this.name}${this.labelText(labels)} ${formatNumber(value)}`];
  }
}

/** A value that goes up and down. */
export class Gauge extends Metric<number> {
  readonly type = "gauge";

  /** Sets the value. */
  set(labels: Labels, value: number): void {
    const e = this.entry(labels, () => 0);
    if (e) e.value = value;
  }

  protected samples(labels: string[], value: number): string[] {
    return [`${this.name}${this.labelText(labels)} ${formatNumber(value)}`];
  }
}

interface HistogramValue {
  counts: number[];
  sum: number;
  count: number;
}

/** Observations counted into buckets (cumulative when rendered), with their sum and count. */
export class Histogram extends Metric<HistogramValue> {
  readonly type = "histogram";
  readonly buckets: readonly number[];

  constructor(options: HistogramOptions) {
    super(options);
    const b = options.buckets;
    if (b.length === 0 || b.some((v, i) => !Number.isFinite(v) || (i > 0 && v <= b[i - 1]!))) {
      throw new RangeError(`Cannot define histogram "${options.name}": buckets must ascend`);
    }
    this.buckets = [...b];
  }

  /** Counts one observation. */
  observe(labels: Labels, value: number): void {
    if (Number.isNaN(value)) return;
    const e = this.entry(labels, () => ({
      counts: this.buckets.map(() => 0),
      sum: 0,
      count: 0,
    }));
    if (!e) return;
    const at = this.buckets.findIndex((bound) => value <= bound);
    if (at >= 0) e.value.counts[at]!++;
    e.value.sum += value;
    e.value.count++;
  }

  protected samples(labels: string[], value: HistogramValue): string[] {
    const lines: string[] = [];
    let cumulative = 0;
    this.buckets.forEach((bound, i) => {
      cumulative += value.counts[i]!;
      const le = this.labelText(labels, ["le", formatNumber(bound)]);
      lines.push(`${this.name}_bucket${le} ${cumulative}`);
    });
    lines.push(`${this.name}_bucket${this.labelText(labels, ["le", "+Inf"])} ${value.count}`);
    lines.push(`${this.name}_sum${this.labelText(labels)} ${formatNumber(value.sum)}`);
    lines.push(`${this.name}_count${this.labelText(labels)} ${value.count}`);
    return lines;
  }
}

/** What the registry needs of a metric of any kind. */
interface RegisteredMetric {
  readonly name: string;
  render(): string[];
  removeWhere(name: string, value: string): void;
}

/** The metrics of one process, and the hooks that refresh them before each scrape. */
export class Registry {
  readonly #metrics = new Map<string, RegisteredMetric>();
  readonly #collectors: (() => void)[] = [];

  /** Defines a counter. */
  counter(options: MetricOptions): Counter {
    return this.#add(new Counter(options));
  }

  /** Defines a gauge. */
  gauge(options: MetricOptions): Gauge {
    return this.#add(new Gauge(options));
  }

  /** Defines a histogram. */
  histogram(options: HistogramOptions): Histogram {
    return this.#add(new Histogram(options));
  }

  /** Runs `collect` before every render (to copy live values into gauges). */
  onCollect(collect: () => void): void {
    this.#collectors.push(collect);
  }

  /** Drops, in every metric, each series whose label `name` is `value`. */
  removeSeries(name: string, value: string): void {
    for (const metric of this.#metrics.values()) metric.removeWhere(name, value);
  }

  /** The exposition text: every metric in definition order, ending in a newline. */
  render(): string {
    for (const collect of this.#collectors) collect();
    const lines: string[] = [];
    for (const metric of this.#metrics.values()) lines.push(...metric.render());
    return lines.join("\n") + "\n";
  }

  #add<M extends RegisteredMetric>(metric: M): M {
    if (this.#metrics.has(metric.name)) {
      throw new RangeError(`Cannot define metric "${metric.name}": already defined`);
    }
    this.#metrics.set(metric.name, metric);
    return metric;
  }
}

/** A sample value: integers as they are, `+Inf`, `-Inf`, `NaN` spelled as Prometheus does. */
export function formatNumber(value: number): string {
  if (Number.isNaN(value)) return "NaN";
  if (value === Infinity) return "+Inf";
  if (value === -Infinity) return "-Inf";
  return String(value);
}

function escapeHelp(text: string): string {
  return text.replaceAll("\\", "\\\\").replaceAll("\n", "\\n");
}

function escapeLabel(text: string): string {
  return text.replaceAll("\\", "\\\\").replaceAll('"', '\\"').replaceAll("\n", "\\n");
}
