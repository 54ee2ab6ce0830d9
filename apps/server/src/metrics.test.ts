import { describe, expect, it } from 'vitest';
import { Counter, Gauge, Histogram, createServerMetrics } from './metrics.js';

describe('Prometheus text exposition', () => {
  it('renders counters per label set, labels sorted and escaped', () => {
    const c = new Counter('x_total', 'Things.');
    c.inc({ route: '/a', method: 'GET' });
    c.inc({ method: 'GET', route: '/a' }, 2);
    c.inc({ route: 'say "hi"\n' });
    expect(c.get({ route: '/a', method: 'GET' })).toBe(3);
    expect(c.render()).toBe([
      '# HELP x_total Things.',
      '# TYPE x_total counter',
      'x_total{method="GET",route="/a"} 3',
      'x_total{route="say \\"hi\\"\\n"} 1',
    ].join('\n'));
  });

  it('renders gauges without labels', () => {
    const g = new Gauge('g', 'A gauge.');
    g.set(7);
    g.set(5);
    expect(g.render().split('\n').pop()).toBe('g 5');
  });

  it('counts histogram buckets cumulatively with +Inf, sum and count', () => {
    const h = new Histogram('h_seconds', 'Latency.', [0.1, 1]);
    for (const v of [0.05, 0.1, 0.5, 3]) h.observe(v, { stage: 'model' });
    // ≤ 0.1: 0.05 and 0.1 (le is inclusive); ≤ 1: +0.5; +Inf: all 4; sum 3.65
    expect(h.render().split('\n').slice(2)).toEqual([
      'h_seconds_bucket{stage="model",le="0.1"} 2',
      'h_seconds_bucket{stage="model",le="1"} 3',
      'h_seconds_bucket{stage="model",le="+Inf"} 4',
      'h_seconds_sum{stage="model"} 3.65',
      'h_seconds_count{stage="model"} 4',
    ]);
    expect(h.totals({ stage: 'model' })).toEqual({ sum: 3.65, count: 4 });
    expect(h.totals({ stage: 'other' })).toEqual({ sum: 0, count: 0 });
  });

  it('refuses unsorted buckets, naming the metric', () => {
    expect(() => new Histogram('bad', 'x', [1, 0.5])).toThrow(/bad: buckets must be finite and strictly increasing/);
  });

  it('gives every server metric a HELP and TYPE line', () => {
    const m = createServerMetrics();
    m.ready.set(1);
    const text = m.render();
    for (const name of ['g2rl_http_requests_total', 'g2rl_stage_duration_seconds', 'g2rl_batch_images', 'g2rl_errors_total', 'g2rl_worker_tensors', 'g2rl_queue_depth']) {
      expect(text).toContain(`# TYPE ${name} `);
      expect(text).toContain(`# HELP ${name} `);
    }
    expect(text.endsWith('\n')).toBe(true);
  });
});
