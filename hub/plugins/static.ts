// The dashboard: web/dist (built by `npm run build:web`) at /, or a 503 page saying how to build it.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import fastifyStatic from '@fastify/static';
import fp from 'fastify-plugin';

export const NOT_BUILT_TEXT =
  'Le tableau de bord n’est pas construit : lancez `npm run build:web`, puis rechargez la page.\n' +
  'The dashboard is not built: run `npm run build:web`, then reload the page.\n';

export default fp<{ webDir: string }>(
  async (app, options) => {
    // Basic hardening for every response, pages and API alike.
    app.addHook('onSend', async (_request, reply) => {
      void reply.header('X-Content-Type-Options', 'nosniff');
      void reply.header('Referrer-Policy', 'no-referrer');
      void reply.header('X-Frame-Options', 'DENY');
    });

    if (existsSync(join(options.webDir, 'index.html'))) {
      await app.register(fastifyStatic, { root: options.webDir, prefix: '/' });
      return;
    }

    app.log.warn({ webDir: options.webDir }, 'dashboard not built; run `npm run build:web`');
    app.get('/', { schema: { response: { 503: { type: 'string' } } } }, async (_request, reply) => {
      return reply.code(503).type('text/plain; charset=utf-8').send(NOT_BUILT_TEXT);
    });
  },
  { name: 'poco-static' },
);
