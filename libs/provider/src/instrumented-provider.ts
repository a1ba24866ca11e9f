import { Counter, Histogram, type Registry } from 'prom-client';
import type { CloudProvider } from './provider';
import { isProviderError } from './provider-error';

type Method = 'launch' | 'terminate' | 'list';

interface ProviderMetrics {
  calls: Counter<'provider' | 'method' | 'outcome'>;
  duration: Histogram<'provider' | 'method'>;
  errors: Counter<'provider' | 'method' | 'error_type'>;
}

/** Options of instrumentProvider. */
export interface InstrumentOptions {
  /** Monotonic clock in milliseconds; default performance.now. Tests pass a fake one. */
  now?: () => number;
}

// Cloud calls span milliseconds (a describe) to minutes (a GCE insert waited to DONE).
const DURATION_BUCKETS = [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600];

// One set of metrics per registry, shared by every provider wrapped into it (aws and gcp cells
// in one process differ by the `provider` label), since a registry refuses a name twice.
function metricsIn(registry: Registry): ProviderMetrics {
  const existing = registry.getSingleMetric('helios_provider_calls_total');
  if (existing) {
    return {
      calls: existing as ProviderMetrics['calls'],
      duration: registry.getSingleMetric('helios_provider_call_duration_seconds') as ProviderMetrics['duration'],
      errors: registry.getSingleMetric('helios_provider_errors_total') as ProviderMetrics['errors'],
    };
  }
  return {
    calls: new Counter({
      name: 'helios_provider_calls_total',
      help: 'Cloud provider calls by provider, method and outcome (success or error).',
      labelNames: ['provider', 'method', 'outcome'],
      registers: [registry],
    }),
    duration: new Histogram({
      name: 'helios_provider_call_duration_seconds',
      help: 'Duration of cloud provider calls, retries and operation waits included.',
      labelNames: ['provider', 'method'],
      buckets: DURATION_BUCKETS,
      registers: [registry],
    }),
    errors: new Counter({
      name: 'helios_provider_errors_total',
      help: 'Failed cloud provider calls by ProviderError code (InsufficientCapacity, QuotaExceeded, Throttled, ...).',
      labelNames: ['provider', 'method', 'error_type'],
      registers: [registry],
    }),
  };
}

/**
 * Wraps a CloudProvider so every call is counted, timed and, when it fails, counted by its
 * ProviderError code, in `registry`: helios_provider_calls_total{provider,method,outcome},
 * helios_provider_call_duration_seconds{provider,method} and
 * helios_provider_errors_total{provider,method,error_type}. Adapters stay free of Prometheus;
 * results and errors pass through untouched.
 */
export function instrumentProvider(provider: CloudProvider, registry: Registry, options: InstrumentOptions = {}): CloudProvider {
  const metrics = metricsIn(registry);
  const now = options.now ?? (() => performance.now());
  const observe = async <T>(method: Method, call: () => Promise<T>): Promise<T> => {
    const started = now();
    try {
      const result = await call();
      metrics.calls.inc({ provider: provider.name, method, outcome: 'success' });
      return result;
    } catch (err) {
      metrics.calls.inc({ provider: provider.name, method, outcome: 'error' });
      // Anything but a ProviderError is an adapter bug; it still counts, as Unknown.
      metrics.errors.inc({ provider: provider.name, method, error_type: isProviderError(err) ? err.code : 'Unknown' });
      throw err;
    } finally {
      metrics.duration.observe({ provider: provider.name, method }, (now() - started) / 1000);
    }
  };
  return {
    name: provider.name,
    launch: (request) => observe('launch', () => provider.launch(request)),
    terminate: (instanceIds) => observe('terminate', () => provider.terminate(instanceIds)),
    list: (cell, pool) => observe('list', () => provider.list(cell, pool)),
  };
}
