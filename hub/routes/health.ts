// GET /api/health: broker link and message counters, for the dashboard and for operators.
import type { FastifyInstance } from 'fastify';

export default async function healthRoutes(app: FastifyInstance): Promise<void> {
  app.get('/api/health', { schema: { response: { 200: { type: 'object', additionalProperties: true } } } }, async () => {
    const broker = app.mqtt.status();
    return {
      status: broker.connected ? 'ok' : 'degraded',
      broker,
      counters: app.mqtt.counters,
      liveClients: app.live.clientCount,
    };
  });
}
