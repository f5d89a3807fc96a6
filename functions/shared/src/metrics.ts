import { Registry, collectDefaultMetrics, Counter, Gauge, Histogram } from 'prom-client';

export { Counter, Gauge, Histogram, Registry };

/** One Prometheus registry per process, passed in explicitly (no module singletons). */
export function createRegistry(component: string, withDefaults = true): Registry {
  const registry = new Registry();
  registry.setDefaultLabels({ component });
  if (withDefaults) collectDefaultMetrics({ register: registry, prefix: 'safetyhanta_' });
  return registry;
}
