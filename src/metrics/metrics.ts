import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** One finished HTTP request, as the metrics count it. */
export interface ObservedRequest {
  /** The path family: graphql, entities, healthz, readyz, metrics, or other (bounded, unlike raw paths). */
  route: string;
  /** The API endpoints the call touched, sorted and comma-joined; empty for non-API paths and calls refused before they were known. */
  endpoint: string;
  status: number;
  seconds: number;
}

/** What the metrics read at scrape time from the error log's recorder. */
export interface ErrorLogGauges {
  pending(): number;
  dropped(): number;
}

/**
 * The Prometheus metrics of one server instance, in its own registry (tests run many
 * instances in one process). `cacheHits`/`cacheMisses` are labelled by cache name; a cache
 * that keeps its own counts is read at each scrape (`watchCache`), so a hit costs the request
 * path one integer increment, not a prom-client label lookup.
 */
/** Counts a cache keeps itself; they only grow. */
export interface CacheStats {
  readonly hits: number;
  readonly misses: number;
}

export class Metrics {
  readonly registry = new Registry();
  readonly requests: Counter<'route' | 'endpoint' | 'status'>;
  readonly latency: Histogram<'route' | 'endpoint' | 'status'>;
  readonly cacheHits: Counter<'cache'>;
  readonly cacheMisses: Counter<'cache'>;
  private readonly watched: [string, CacheStats][] = [];

  constructor(errorLog?: ErrorLogGauges) {
    const registers = [this.registry];
    collectDefaultMetrics({ register: this.registry, prefix: 'loyalty_' });
    this.requests = new Counter({
      name: 'loyalty_http_requests_total',
      help: 'HTTP requests answered, by path family, API endpoint(s) and status.',
      labelNames: ['route', 'endpoint', 'status'],
      registers,
    });
    this.latency = new Histogram({
      name: 'loyalty_http_request_duration_seconds',
      help: 'Time from the request arriving to its response being sent, by path family, API endpoint(s) and status.',
      labelNames: ['route', 'endpoint', 'status'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers,
    });
    const watched = this.watched;
    this.cacheHits = new Counter({
      name: 'loyalty_cache_hits_total',
      help: 'Answers served from a cache, by cache.',
      labelNames: ['cache'],
      registers,
      collect() {
        this.reset();
        for (const [cache, stats] of watched) this.inc({ cache }, stats.hits);
      },
    });
    this.cacheMisses = new Counter({
      name: 'loyalty_cache_misses_total',
      help: 'Answers a cache did not hold and that were computed, by cache.',
      labelNames: ['cache'],
      registers,
      collect() {
        this.reset();
        for (const [cache, stats] of watched) this.inc({ cache }, stats.misses);
      },
    });
    if (errorLog) {
      new Gauge({
        name: 'loyalty_error_log_queue_length',
        help: 'Failed-call records waiting to be written to MongoDB.',
        registers,
        collect() {
          this.set(errorLog.pending());
        },
      });
      let counted = 0;
      new Counter({
        name: 'loyalty_error_log_dropped_total',
        help: 'Failed-call records dropped because the queue was full or a record could not be stored.',
        registers,
        collect() {
          const now = errorLog.dropped();
          if (now > counted) this.inc(now - counted);
          counted = now;
        },
      });
    }
  }

  /** Reports a cache's own hit and miss counts under `cache` at every scrape. */
  watchCache(cache: string, stats: CacheStats): void {
    this.watched.push([cache, stats]);
  }

  observeRequest(request: ObservedRequest): void {
    const labels = { route: request.route, endpoint: request.endpoint, status: String(request.status) };
    this.requests.inc(labels);
    this.latency.observe(labels, request.seconds);
  }

  /** The text exposition format, and its content type. */
  async render(): Promise<{ contentType: string; body: string }> {
    return { contentType: this.registry.contentType, body: await this.registry.metrics() };
  }
}
