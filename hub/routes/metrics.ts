// GET /metrics: the hub's counters in the Prometheus text format (prom-client), read from the
// ingest counters, the store and the broker link at each scrape. One registry per app, so two
// hubs in one test process do not share series.
import type { FastifyInstance } from 'fastify';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

/** Sets a counter to a total kept elsewhere; prom-client counters only go up, and so do these totals. */
function setTotal(counter: Counter<string>, value: number, labels: Record<string, string> = {}): void {
  counter.reset();
  counter.inc(labels, value);
}

function ingestMetrics(app: FastifyInstance, registry: Registry): void {
  const totals = { received: 'MQTT messages received from pots', stored: 'readings stored', duplicates: 'redelivered readings dropped as duplicates' } as const;
  for (const [field, help] of Object.entries(totals) as Array<[keyof typeof totals, string]>) {
    new Counter({ name: `poco_messages_${field}_total`, help, registers: [registry], collect() { setTotal(this, app.mqtt.counters[field]); } });
  }
  new Counter({
    name: 'poco_messages_rejected_total',
    help: 'MQTT messages rejected, by reason',
    labelNames: ['reason'],
    registers: [registry],
    collect() {
      this.reset();
      for (const [reason, count] of Object.entries(app.mqtt.counters.rejected)) this.inc({ reason }, count ?? 0);
    },
  });
}

function storeMetrics(app: FastifyInstance, registry: Registry): void {
  new Gauge({ name: 'poco_pending_readings', help: 'readings acknowledged and not yet in a history file on disk', registers: [registry], collect() { this.set(app.store.disk().pending); } });
  new Gauge({ name: 'poco_wal_bytes', help: 'size of the write-ahead log files', registers: [registry], collect() { this.set(app.store.disk().walBytes); } });
  new Gauge({ name: 'poco_open_day_files', help: 'history day files held in memory', registers: [registry], collect() { this.set(app.store.openFiles().days); } });
  new Gauge({ name: 'poco_open_rollup_partitions', help: 'rollup partition files held in memory', registers: [registry], collect() { this.set(app.store.openFiles().partitions); } });
  new Gauge({ name: 'poco_disk_failing', help: '1 while writes to the data folder fail', registers: [registry], collect() { this.set(app.store.disk().failing ? 1 : 0); } });
  new Counter({ name: 'poco_readings_lost_total', help: 'readings dropped because the disk failed and the memory bound was reached', registers: [registry], collect() { setTotal(this, app.store.disk().lost); } });

  const flush = new Histogram({
    name: 'poco_flush_duration_seconds',
    help: 'duration of a history flush (day files and rollups)',
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [registry],
  });
  app.store.onFlush((seconds) => flush.observe(seconds));
}

export default async function metricsRoutes(app: FastifyInstance): Promise<void> {
  const registry = new Registry();
  // Process metrics (resident memory, heap, event loop lag, open fds) under their standard names.
  collectDefaultMetrics({ register: registry });
  ingestMetrics(app, registry);
  storeMetrics(app, registry);
  new Gauge({ name: 'poco_live_clients', help: 'open Server-Sent Events streams', registers: [registry], collect() { this.set(app.live.clientCount); } });
  new Gauge({ name: 'poco_broker_connected', help: '1 while the hub is connected and subscribed', registers: [registry], collect() { this.set(app.mqtt.status().connected ? 1 : 0); } });

  app.get('/metrics', async (_request, reply) => {
    reply.type(registry.contentType);
    return registry.metrics();
  });
}
