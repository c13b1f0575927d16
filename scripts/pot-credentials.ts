// MQTT accounts in Mosquitto's password and ACL files (POCO_BROKER_PASSWORD_FILE and
// POCO_BROKER_ACL_FILE), without the dashboard:
//   npm run pot-credentials -- --hub              the hub's own account, from POCO_MQTT_PASSWORD
//   npm run pot-credentials -- --mac AA:BB:…      a pot's account; prints its password once
//   npm run pot-credentials -- --revoke AA:BB:…   removes a pot's account (Mosquitto cuts it off)
// Mosquitto reloads the files on SIGHUP, sent when POCO_BROKER_PID_FILE names its pid_file.
import pino from 'pino';
import { parsePotId } from '../domain/pot-id.js';
import { brokerAccountsFromConfig, type BrokerAccounts } from '../hub/broker-auth/broker-accounts.js';
import { ConfigError, loadConfig, type HubConfig } from '../hub/config.js';

function fail(message: string): never {
  process.stderr.write(message + '\n');
  process.exit(1);
}

function option(name: string): string | null {
  const index = process.argv.indexOf(name);
  if (index < 0) return null;
  const value = process.argv[index + 1];
  if (value === undefined || value.startsWith('--')) fail(`${name} attend une adresse MAC / ${name} needs a MAC address, such as ${name} AA:BB:CC:DD:EE:FF`);
  return value;
}

function potId(text: string): string {
  const parsed = parsePotId(text);
  if (!parsed.ok || parsed.id === undefined) fail(parsed.error ?? `invalid MAC ${JSON.stringify(text)}`);
  return parsed.id;
}

function accounts(config: HubConfig): BrokerAccounts {
  // Warnings only: the password is printed below, never logged.
  const built = brokerAccountsFromConfig(config, pino({ level: 'warn' }, pino.destination(2)));
  if (built === null) {
    fail('Réglez POCO_BROKER_PASSWORD_FILE et POCO_BROKER_ACL_FILE (voir mosquitto/README.md). / Set POCO_BROKER_PASSWORD_FILE and POCO_BROKER_ACL_FILE (see mosquitto/README.md).');
  }
  return built;
}

async function main(): Promise<void> {
  let config: HubConfig;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) fail('Configuration invalide / Invalid configuration:\n  - ' + err.problems.join('\n  - '));
    throw err;
  }
  const broker = accounts(config);
  const mac = option('--mac');
  const revoke = option('--revoke');

  if (process.argv.includes('--hub')) {
    if (config.mqttPassword === null) fail('Réglez POCO_MQTT_PASSWORD pour le compte du hub. / Set POCO_MQTT_PASSWORD for the hub account.');
    await broker.setHubPassword(config.mqttPassword);
    process.stdout.write(`Compte du hub « ${config.mqttUsername ?? 'hub'} » enregistré. / Hub account "${config.mqttUsername ?? 'hub'}" saved.\n`);
  } else if (mac !== null) {
    const credentials = await broker.issuePot(potId(mac));
    process.stdout.write(
      'Identifiants MQTT du pot (affichés une seule fois) / Pot MQTT credentials (shown once):\n' +
        `  POCO_MQTT_USERNAME=${credentials.username}\n  POCO_MQTT_PASSWORD=${credentials.password}\n`,
    );
  } else if (revoke !== null) {
    const removed = await broker.revokePot(potId(revoke));
    process.stdout.write(removed ? 'Compte du pot supprimé. / Pot account removed.\n' : 'Ce pot n’avait pas de compte. / This pot had no account.\n');
  } else {
    fail('Usage: npm run pot-credentials -- --hub | --mac AA:BB:CC:DD:EE:FF | --revoke AA:BB:CC:DD:EE:FF');
  }
}

await main();
