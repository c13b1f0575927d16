// Starts the hub (`npm run hub`): loads the settings, opens the app, listens, and shuts down
// cleanly on SIGTERM or SIGINT (pending writes flushed, MQTT session ended, HTTP closed).
import { prepareSetupLink, readSetupLink } from './accounts/setup-link.js';
import { buildApp } from './app.js';
import { ConfigError, loadConfig, type HubConfig } from './config.js';
import { DataDirLockedError } from './store/lock.js';

/** Maximum wait for a clean shutdown before the process exits anyway. */
const SHUTDOWN_TIMEOUT_MS = 10000;

/** Reasons, in French and English, for the listen errors that a setting can fix. */
const LISTEN_ERRORS: Record<string, string> = {
  EADDRINUSE: 'le port est déjà pris / the port is already in use',
  EACCES: 'accès refusé / permission denied',
  EADDRNOTAVAIL: 'adresse absente de cette machine / address not on this machine',
};

function fail(message: string): never {
  process.stderr.write(message + '\n');
  process.exit(1);
}

function readConfig(): HubConfig {
  try {
    return loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      fail('Configuration invalide / Invalid configuration:\n  - ' + err.problems.join('\n  - ') + '\nVoir / see docs/configuration.md');
    }
    throw err;
  }
}

async function main(): Promise<void> {
  const config = readConfig();
  if (process.argv.includes('--setup-link')) {
    const link = await readSetupLink(config.dataDir);
    process.stdout.write(link === null
      ? 'Aucune configuration en attente : le hub a un propriétaire, ou il n’a pas encore démarré. / No setup pending: the hub has an owner, or it has not started yet.\n'
      : `Lien de configuration / Setup link: ${link}\n`);
    return;
  }
  const pretty = process.stdout.isTTY ? { transport: { target: 'pino-pretty' } } : {};

  let app;
  try {
    app = await buildApp(config, { logger: { level: config.logLevel, ...pretty } });
  } catch (err) {
    if (err instanceof DataDirLockedError) fail('Le hub ne démarre pas / The hub did not start: ' + err.message);
    throw err;
  }

  // Set before listening: a signal that comes while the hub starts still closes it cleanly.
  let closing = false;
  const shutdown = (signal: NodeJS.Signals) => {
    if (closing) return;
    closing = true;
    app.log.info({ signal }, 'shutting down');
    setTimeout(() => {
      app.log.error({ timeoutMs: SHUTDOWN_TIMEOUT_MS }, 'shutdown timed out; exiting without a clean close');
      process.exit(1);
    }, SHUTDOWN_TIMEOUT_MS).unref();
    app.close().then(
      () => process.exit(0),
      (err: unknown) => {
        app.log.error({ err }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.once('SIGTERM', shutdown);
  process.once('SIGINT', shutdown);

  try {
    await app.listen({ host: config.host, port: config.port });
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === undefined || !(code in LISTEN_ERRORS)) throw err;
    // Closing releases the data folder's lock and the broker connection before exiting.
    await app.close();
    const reason = LISTEN_ERRORS[code];
    fail(`Le hub ne démarre pas / The hub did not start: ${config.host}:${config.port}: ${reason}. Choisissez un autre POCO_PORT ou POCO_HOST / choose another POCO_PORT or POCO_HOST (docs/configuration.md).`);
  }
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  const broker = app.mqtt.status();
  process.stdout.write(
    `Tableau de bord / Dashboard: http://${config.host}:${port}\n` +
      `Broker MQTT: ${broker.url}${broker.embedded ? ' (intégré / embedded)' : ''}\n`,
  );
  // Printed, not logged: the token in the link creates the owner account.
  const host = config.host === '0.0.0.0' || config.host === '::' ? '127.0.0.1' : config.host;
  const setupLink = await prepareSetupLink(app.accounts.db, config.dataDir, `http://${host}:${port}`, Date.now());
  if (setupLink !== null) {
    process.stdout.write(`Premier démarrage : créez le compte propriétaire / First start: create the owner account:\n  ${setupLink}\n`);
  }
}

await main();
