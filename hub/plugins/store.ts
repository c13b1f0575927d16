// The data folder as `app.store`: pot registry, settings and history (hub/store/store.ts).
// Opening it locks the folder; closing writes what is pending and releases the lock.
import fp from 'fastify-plugin';
import { Store } from '../store/store.js';

declare module 'fastify' {
  interface FastifyInstance {
    store: Store;
  }
}

export default fp(
  async (app) => {
    const { dataDir, flushMs, flushMaxReadings, rawRetentionDays, maxPendingReadings, walFsyncMs, rollupSaveMs, stateSaveMs } = app.config;
    const store = await Store.open({ dataDir, flushMs, flushMaxReadings, rawRetentionDays, maxPendingReadings, walFsyncMs, rollupSaveMs, stateSaveMs }, app.log);
    app.log.info({ dataDir, rawRetentionDays }, 'data folder opened');
    app.decorate('store', store);
    store.startRetention();

    app.addHook('onClose', async () => {
      await store.close();
      app.log.info({ dataDir }, 'data folder flushed and closed');
    });
  },
  { name: 'poco-store', dependencies: ['poco-config'] },
);
