// Species: GET /api/species (shipped base merged with the user's), POST /api/species (add or
// override one), validated by domain/species.ts so a 400 names each bad field.
import type { FastifyInstance } from 'fastify';
import { checkSpecies, type Species } from '../../domain/species.js';

export default async function speciesRoutes(app: FastifyInstance): Promise<void> {
  app.get('/api/species', async () => {
    const user = new Set(app.care.store.userSpecies().map((s) => s.id));
    return { species: app.care.species().map((s) => ({ ...s, user: user.has(s.id) })) };
  });

  app.post<{ Body: unknown }>('/api/species', async (request, reply) => {
    const errors = checkSpecies(request.body);
    if (errors.length > 0) return reply.code(400).send({ error: 'invalid species: ' + errors.join('; '), errors });

    const entry = request.body as Species;
    app.care.store.putSpecies(entry);
    request.log.info({ speciesId: entry.id }, 'user species saved');
    return reply.code(201).send(entry);
  });
}
