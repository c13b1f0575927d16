// The dashboard: web/dist (built by `npm run build:web`) at /, or a 503 page saying how to build it.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import fastifyStatic from '@fastify/static';
import fp from 'fastify-plugin';

export const NOT_BUILT_TEXT =
  'Le tableau de bord n’est pas construit : lancez `npm run build:web`, puis rechargez la page.\n' +
  'The dashboard is not built: run `npm run build:web`, then reload the page.\n';

export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'", "script-src 'self'", "style-src 'self'", "img-src 'self' data:", "connect-src 'self'",
  "object-src 'none'", "base-uri 'none'", "form-action 'self'", "frame-ancestors 'none'",
].join('; ');

export default fp<{ webDir: string }>(
  async (app, options) => {
    // Basic hardening for every response, pages and API alike. The CSP allows only the hub's own
    // files: no inline script or <style> (uPlot sets element.style through the CSSOM, which
    // style-src does not restrict; checked in Chromium by test/auth/pages.test.ts).
    app.addHook('onSend', async (_request, reply) => {
      void reply.header('Content-Security-Policy', CONTENT_SECURITY_POLICY);
      void reply.header('X-Content-Type-Options', 'nosniff');
      // same-origin, not no-referrer: with no-referrer Chromium sends `Origin: null` on form posts, which the
      // login's cross-site check must refuse. Other sites still receive no referrer.
      void reply.header('Referrer-Policy', 'same-origin');
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
