// A small Prometheus registry (text exposition format 0.0.4): counters, gauges and
// histograms with labels. Hand-written because we need three metric types and no
// process-wide default registry (several servers may live in one test process).

type Labels = Record<string, string>;

function labelKey(labels: Labels): string {
  const names = Object.keys(labels).sort();
  return names.map((n) => `${n}="${String(labels[n]).replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"')}"`).join(',');
}

function formatNumber(value: number): string {
  if (value === Infinity) return '+Inf';
  if (value === -Infinity) return '-Inf';
  return Number.isNaN(value) ? 'NaN' : String(value);
}

interface Metric {
  render(): string;
}

/** A monotonically increasing count per label set. */
export class Counter implements Metric {
  private readonly values = new Map<string, number>();
  constructor(readonly name: string, readonly help: string) {}

  inc(labels: Labels = {}, by = 1): void {
    const key = labelKey(labels);
    this.values.set(key, (this.values.get(key) ?? 0) + by);
  }

  get(labels: Labels = {}): number {
    return this.values.get(labelKey(labels)) ?? 0;
  }

  render(): string {
    const lines = [`# HELP ${this.name} ${this.help}`, `# TYPE ${this.name} counter`];
    for (const [key, value] of this.values) lines.push(`${this.name}${key ? `{${key}}` : ''} ${formatNumber(value)}`);
    return lines.join('\n');
  }
}

/** A value that goes up and down per label set. */
export class Gauge implements Metric {
  private readonly values = new Map<string, number>();
  constructor(readonly name: string, readonly help: string) {}

  set(value: number, labels: Labels = {}): void {
    this.values.set(labelKey(labels), value);
  }

  get(labels: Labels = {}): number | undefined {
    return this.values.get(labelKey(labels));
  }

  render(): string {
    const lines = [`# HELP ${this.name} ${this.help}`, `# TYPE ${this.name} gauge`];
    for (const [key, value] of this.values) lines.push(`${this.name}${key ? `{${key}}` : ''} ${formatNumber(value)}`);
    return lines.join('\n');
  }
}

interface HistogramSeries {
  labels: Labels;
  /** counts[i] = observations ≤ buckets[i] (not cumulative here; summed on render). */
  counts: number[];
  sum: number;
  count: number;
}

/** Observations counted into fixed upper bounds (`le`), plus `_sum` and `_count`. */
export class Histogram implements Metric {
  private readonly series = new Map<string, HistogramSeries>();
  readonly buckets: number[];

  constructor(readonly name: string, readonly help: string, buckets: number[]) {
    if (buckets.length === 0 || buckets.some((b, i) => !Number.isFinite(b) || (i > 0 && b <= buckets[i - 1]!))) {
      throw new Error(`Histogram ${name}: buckets must be finite and strictly increasing, got [${buckets.join(', ')}]`);
    }
    this.buckets = buckets;
  }

  observe(value: number, labels: Labels = {}): void {
    const key = labelKey(labels);
    let s = this.series.get(key);
    if (!s) {
      s = { labels, counts: new Array<number>(this.buckets.length).fill(0), sum: 0, count: 0 };
      this.series.set(key, s);
    }
    const i = this.buckets.findIndex((b) => value <= b);
    if (i >= 0) s.counts[i]! += 1;
    s.sum += value;
    s.count += 1;
  }

  /** `{ sum, count }` of one label set (zeros when never observed). */
  totals(labels: Labels = {}): { sum: number; count: number } {
    const s = this.series.get(labelKey(labels));
    return { sum: s?.sum ?? 0, count: s?.count ?? 0 };
  }

  render(): string {
    const lines = [`# HELP ${this.name} ${this.help}`, `# TYPE ${this.name} histogram`];
    for (const [key, s] of this.series) {
      const prefix = key ? `${key},` : '';
      let cumulative = 0;
      this.buckets.forEach((b, i) => {
        cumulative += s.counts[i]!;
        lines.push(`${this.name}_bucket{${prefix}le="${formatNumber(b)}"} ${cumulative}`);
      });
      lines.push(`${this.name}_bucket{${prefix}le="+Inf"} ${s.count}`);
      lines.push(`${this.name}_sum${key ? `{${key}}` : ''} ${formatNumber(s.sum)}`);
      lines.push(`${this.name}_count${key ? `{${key}}` : ''} ${s.count}`);
    }
    return lines.join('\n');
  }
}

/** Seconds: 1 ms to 30 s. */
export const LATENCY_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];
export const BATCH_BUCKETS = [1, 2, 4, 8, 16, 32, 64];

/** The server's metrics, one registry per server instance. */
export function createServerMetrics() {
  const metrics = {
    requests: new Counter('g2rl_http_requests_total', 'HTTP requests by route, method and status code.'),
    requestSeconds: new Histogram('g2rl_http_request_duration_seconds', 'HTTP request latency by route.', LATENCY_BUCKETS),
    stageSeconds: new Histogram('g2rl_stage_duration_seconds', 'Time per analysis stage (decode, detect, landmarks, align, model, postprocess), per image (model and postprocess: per worker batch).', LATENCY_BUCKETS),
    queueWaitSeconds: new Histogram('g2rl_queue_wait_seconds', 'Time an image waited in the queue before its worker batch started.', LATENCY_BUCKETS),
    batchImages: new Histogram('g2rl_batch_images', 'Images per worker batch (micro-batching of concurrent requests).', BATCH_BUCKETS),
    batchCrops: new Histogram('g2rl_batch_faces', 'Face crops per model call.', BATCH_BUCKETS),
    errors: new Counter('g2rl_errors_total', 'Problem responses by problem type.'),
    faces: new Counter('g2rl_faces_total', 'Faces analysed.'),
    queueDepth: new Gauge('g2rl_queue_depth', 'Images waiting for the worker.'),
    workerTensors: new Gauge('g2rl_worker_tensors', 'tf.memory().numTensors in the inference worker (constant when nothing leaks).'),
    workerHeapBytes: new Gauge('g2rl_worker_heap_bytes', 'Used V8 heap of the inference workers (their isolates, not the HTTP thread), summed.'),
    workerExternalBytes: new Gauge('g2rl_worker_external_bytes', 'ArrayBuffers held by the inference workers (tensor values, pixels: outside the V8 heap), summed.'),
    workerPoolFreeBytes: new Gauge('g2rl_worker_pool_free_bytes', "Of those, the native backend's free output buffers kept for reuse, summed (0 on other backends)."),
    workerConvFilterBytes: new Gauge('g2rl_worker_conv_filter_bytes', "The native backend's reordered convolution filters (one per layer and layout, shared by its plans) and filter scratch (native memory), summed (0 on other backends)."),
    workerConvPlans: new Gauge('g2rl_worker_conv_plans', "The native backend's cached convolution plans (one per layer, batch size and kind), summed."),
    workerWasmBytes: new Gauge('g2rl_worker_wasm_memory_bytes', "The wasm backend's WebAssembly.Memory (it never shrinks), summed (0 on other backends)."),
    workerRestarts: new Counter('g2rl_worker_restarts_total', 'Inference workers that died (crash, exit, out of memory) and were restarted.'),
    residentBytes: new Gauge('process_resident_memory_bytes', 'Resident set size of the whole process (HTTP thread, workers, native and wasm memory).'),
    heapBytes: new Gauge('nodejs_heap_used_bytes', 'Used V8 heap of the HTTP thread.'),
    ready: new Gauge('g2rl_ready', '1 when the model and the face detector are loaded.'),
  };
  const all: Metric[] = Object.values(metrics);
  const render = (): string => {
    const memory = process.memoryUsage();
    metrics.residentBytes.set(memory.rss);
    metrics.heapBytes.set(memory.heapUsed);
    return `${all.map((m) => m.render()).join('\n')}\n`;
  };
  return { ...metrics, render };
}

export type ServerMetrics = ReturnType<typeof createServerMetrics>;
