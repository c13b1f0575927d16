// GET /api/health: broker link, message counters and history retention, for the dashboard and operators.
import type { FastifyInstance } from 'fastify';

export default async function healthRoutes(app: FastifyInstance): Promise<void> {
  app.get('/api/health', { schema: { response: { 200: { type: 'object', additionalProperties: true } } } }, async () => {
    const broker = app.mqtt.status();
    return {
      status: broker.connected ? 'ok' : 'degraded',
      broker,
      counters: app.mqtt.counters,
      liveClients: app.live.clientCount,
      // The dashboard states the policy: raw readings for rawDays days, rollups for ever.
      retention: { ...app.store.retention(), rollups: 'forever' },
    };
  });
}
