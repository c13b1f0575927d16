// The hub as a Fastify app: registers plugins (config → store → live → mqtt) and routes.
// hub/server.ts starts it; tests build it with test/support/hub.ts.
import { fileURLToPath } from 'node:url';
import Fastify, { LogController, type FastifyError, type FastifyInstance, type FastifyServerOptions } from 'fastify';
import type { HubConfig } from './config.js';
import carePlugin from './plugins/care.js';
import configPlugin from './plugins/config.js';
import livePlugin from './plugins/live.js';
import mqttPlugin from './plugins/mqtt.js';
import staticPlugin from './plugins/static.js';
import storePlugin from './plugins/store.js';
import wateringPlugin from './plugins/watering.js';
import authPlugin from './plugins/auth.js';
import alertRoutes from './routes/alerts.js';
import authPages from './routes/auth-pages.js';
import authRoutes from './routes/auth.js';
import calibrationRoutes from './routes/calibration.js';
import careRoutes from './routes/care.js';
import claimRoutes from './routes/claim.js';
import eventRoutes from './routes/events.js';
import exportRoutes from './routes/export.js';
import groupRoutes from './routes/groups.js';
import healthRoutes from './routes/health.js';
import importRoutes from './routes/import.js';
import metricsRoutes from './routes/metrics.js';
import photoRoutes from './routes/photos.js';
import potRoutes from './routes/pots.js';
import profileRoutes from './routes/profile.js';
import seriesRoutes from './routes/series.js';
import settingsRoutes from './routes/settings.js';
import shareRoutes from './routes/shares.js';
import speciesRoutes from './routes/species.js';
import wateringRoutes from './routes/watering.js';

export const DEFAULT_WEB_DIR = fileURLToPath(new URL('../web/dist', import.meta.url));

export interface BuildOptions {
  /** Folder served at /; defaults to web/dist. */
  webDir?: string;
  /** Fastify logger settings; defaults to pino at the configured level. */
  logger?: FastifyServerOptions['logger'];
  /**
   * Accounts and access checks (default true). Only test/support/hub.ts passes false, for suites
   * of other features; no setting or environment variable reaches this (docs/security.md).
   */
  auth?: boolean;
}

/** Request log entry without query values: setup and invitation links carry their token there. */
function requestForLog(request: { method: string; url: string; ip: string }): Record<string, string> {
  const query = request.url.indexOf('?');
  return { method: request.method, url: query < 0 ? request.url : request.url.slice(0, query) + '?…', remoteAddress: request.ip };
}

/** Names the request part and the value behind a schema validation error. */
function describeValidation(error: FastifyError, request: { query: unknown; params: unknown; body: unknown }): string {
  const context = error.validationContext ?? 'request';
  const first = error.validation?.[0];
  if (!first) return error.message;

  const part = ({ querystring: request.query, params: request.params, body: request.body } as Record<string, unknown>)[context];
  const field = first.instancePath.slice(1).replace(/\//g, '.');
  let value: unknown = part;
  for (const step of field ? field.split('.') : []) value = (value as Record<string, unknown> | undefined)?.[step];
  const name = field ? `${context}.${field}` : context;
  return `${name} ${first.message ?? 'is invalid'} (got ${JSON.stringify(value) ?? 'nothing'})`;
}

function withRequestSerializer(logger: FastifyServerOptions['logger']): FastifyServerOptions['logger'] {
  if (typeof logger !== 'object' || logger === null) return logger;
  return { ...logger, serializers: { ...(logger as { serializers?: object }).serializers, req: requestForLog } };
}

export async function buildApp(config: HubConfig, options: BuildOptions = {}): Promise<FastifyInstance> {
  const app = Fastify({
    logger: withRequestSerializer(options.logger ?? { level: config.logLevel }),
    // Closes open connections, such as SSE streams, on close, so shutdown does not wait for browsers.
    forceCloseConnections: true,
    // Two info lines per request buried the start, stop and broker lines, so requests log at debug.
    logController: new LogController({ disableRequestLogging: true }),
  });
  app.addHook('onResponse', async (request, reply) => {
    request.log.debug({ req: request, statusCode: reply.statusCode, ms: Math.round(reply.elapsedTime) }, 'request completed');
  });

  app.setErrorHandler((error: FastifyError, request, reply) => {
    if (error.validation) return reply.code(400).send({ error: describeValidation(error, request) });

    const status = error.statusCode ?? 500;
    if (status >= 500) {
      request.log.error({ err: error }, 'request failed');
      return reply.code(status).send({ error: 'internal error: see the hub log' });
    }
    return reply.code(status).send({ error: error.message });
  });
  app.setNotFoundHandler((request, reply) => reply.code(404).send({ error: `${request.method} ${request.url} not found` }));

  try {
    await app.register(configPlugin, { config });
    await app.register(storePlugin);
    await app.register(livePlugin);
    await app.register(mqttPlugin);
    await app.register(authPlugin, { enabled: options.auth ?? true });
    await app.register(carePlugin);
    await app.register(wateringPlugin);
    await app.register(staticPlugin, { webDir: options.webDir ?? DEFAULT_WEB_DIR });

    await app.register(potRoutes);
    await app.register(seriesRoutes);
    await app.register(exportRoutes);
    await app.register(importRoutes);
    await app.register(settingsRoutes);
    await app.register(speciesRoutes);
    await app.register(careRoutes);
    await app.register(calibrationRoutes);
    await app.register(alertRoutes);
    await app.register(photoRoutes);
    await app.register(healthRoutes);
    await app.register(metricsRoutes);
    await app.register(eventRoutes);
    await app.register(authRoutes);
    await app.register(authPages);
    await app.register(profileRoutes);
    await app.register(claimRoutes);
    await app.register(shareRoutes);
    await app.register(groupRoutes);
    await app.register(wateringRoutes);
    await app.ready();
  } catch (err) {
    // Releases what the plugins loaded so far opened, such as the data folder lock.
    await app.close().catch(() => {});
    throw err;
  }
  return app;
}
