// GET /api/health: broker link, data disk, message counters and history retention, for the
// dashboard and operators. Returns 503 with the list of problems when the hub is degraded, so a
// plain HTTP check (a supervisor, a monitoring probe) notices without reading the body.
import type { FastifyInstance } from 'fastify';
import { setAsideUnder } from '../store/set-aside.js';

export default async function healthRoutes(app: FastifyInstance): Promise<void> {
  app.get('/api/health', { schema: { response: { 200: { type: 'object', additionalProperties: true }, 503: { type: 'object', additionalProperties: true } } } }, async (_request, reply) => {
    const broker = app.mqtt.status();
    const disk = app.store.disk();
    const problems: string[] = [];
    if (!broker.connected) problems.push(broker.stopped ? 'broker session taken over by another process' : 'broker not connected');
    if (disk.failing) problems.push(`data disk failing (${disk.error}); ${disk.pending} readings wait in memory`);
    if (disk.lost > 0) problems.push(`${disk.lost} readings lost while the disk failed`);

    // Damaged files do not make the hub degraded, since it works on, but someone should look at the copies.
    const setAside = setAsideUnder(app.config.dataDir);
    const notices = setAside.map((entry) => `damaged data file set aside: ${entry.file}, its content kept in ${entry.copy}; check it, then delete the copy`);

    reply.code(problems.length > 0 ? 503 : 200);
    return {
      status: problems.length > 0 ? 'degraded' : 'ok',
      problems,
      notices,
      setAside,
      broker,
      disk,
      counters: app.mqtt.counters,
      liveClients: app.live.clientCount,
      // The dashboard states the policy: raw readings for rawDays days, rollups for ever.
      retention: { ...app.store.retention(), rollups: 'forever' },
    };
  });
}
