// Dashboard settings shared by every browser: GET and PUT /api/settings.
import type { FastifyInstance } from 'fastify';
import type { Settings } from '../store/store.js';

const settingsBody = {
  type: 'object',
  additionalProperties: false,
  required: ['language'],
  properties: { language: { type: 'string', enum: ['fr', 'en'] } },
} as const;

export default async function settingsRoutes(app: FastifyInstance): Promise<void> {
  app.get('/api/settings', { schema: { response: { 200: settingsBody } } }, async () => app.store.settings());

  app.put<{ Body: Settings }>('/api/settings', { schema: { body: settingsBody, response: { 200: settingsBody } } }, async (request) => {
    const settings = await app.store.updateSettings(request.body);
    request.log.info({ settings }, 'settings updated');
    return settings;
  });
}
