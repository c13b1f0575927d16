// Settings for the other plugins, as `app.config`. Loading and validation live in hub/config.ts.
import fp from 'fastify-plugin';
import type { HubConfig } from '../config.js';

declare module 'fastify' {
  interface FastifyInstance {
    config: HubConfig;
  }
}

export default fp<{ config: HubConfig }>(
  async (app, options) => {
    app.decorate('config', Object.freeze({ ...options.config }));
  },
  { name: 'poco-config' },
);
