// Alerts and the care timeline: GET /api/alerts (active, recent and deliveries), GET
// /api/pots/:id/timeline, POST /api/pots/:id/notes.
import type { FastifyInstance } from 'fastify';
import { errorBody, idParams, potIdOrReply, potNotFound } from './pot-params.js';

export const MAX_NOTE_LENGTH = 1000;

const noteBody = {
  type: 'object',
  additionalProperties: false,
  required: ['text'],
  properties: { text: { type: 'string', minLength: 1, maxLength: MAX_NOTE_LENGTH } },
} as const;

export default async function alertRoutes(app: FastifyInstance): Promise<void> {
  app.get('/api/alerts', async () => {
    await app.care.engine.idle();
    const now = Date.now();
    const active = app.store.pots(now).flatMap((pot) => Object.values(app.care.engine.state(pot.id).alerts));
    return {
      active,
      recent: [...app.care.store.recentAlerts()].reverse(),
      deliveries: [...app.care.store.outbox()].reverse(),
    };
  });

  app.get<{ Params: { id: string } }>('/api/pots/:id/timeline', { schema: { params: idParams, response: { 400: errorBody, 404: errorBody } } }, async (request, reply) => {
    const id = potIdOrReply(request.params.id, reply);
    if (id === null) return reply;
    if (!app.store.pot(id, Date.now())) return reply.code(404).send(potNotFound(request.params.id));
    await app.care.engine.idle();
    return { potId: id, events: await app.care.timelines.events(id) };
  });

  app.post<{ Params: { id: string }; Body: { text: string } }>(
    '/api/pots/:id/notes',
    { schema: { params: idParams, body: noteBody, response: { 400: errorBody, 404: errorBody } } },
    async (request, reply) => {
      const id = potIdOrReply(request.params.id, reply);
      if (id === null) return reply;
      if (!app.store.pot(id, Date.now())) return reply.code(404).send(potNotFound(request.params.id));
      const text = request.body.text.trim();
      if (text === '') return reply.code(400).send({ error: 'body.text is blank: write the note' });

      const event = { at: Date.now(), kind: 'note' as const, data: { text } };
      await app.care.timelines.add(id, event);
      return reply.code(201).send(event);
    },
  );
}
