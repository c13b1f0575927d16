// Remote watering as `app.watering`: the command book (hub/watering/commands.ts), the rule runner
// (hub/watering/rules.ts) and data/watering.json. Acknowledgements come from the MQTT plugin,
// readings after plant care has derived their moisture; a timer runs schedules and expiries.
import fp from 'fastify-plugin';
import { MAX_COMMAND_LIFETIME_S } from '../../domain/command.js';
import { zonedClock, type LocalClock } from '../../domain/watering-rules.js';
import { WateringStore } from '../store/watering-store.js';
import { CommandBook, DEFAULT_EXPIRES_S } from '../watering/commands.js';
import { RuleRunner } from '../watering/rules.js';

/** How often schedules, rise checks and expiries are looked at, ms. */
export const WATERING_TICK_MS = 15_000;

export interface Watering {
  store: WateringStore;
  commands: CommandBook;
  rules: RuleRunner;
  clock: LocalClock;
  /** Default expiry of a command for a pot: an hour, or three reading intervals for a pot that sleeps longer. */
  defaultExpiresS(potId: string): number;
  /** Runs the timer's work now (schedules, rise checks, expiries). */
  tick(now: number): void;
}

declare module 'fastify' {
  interface FastifyInstance {
    watering: Watering;
  }
}

export default fp<{ tickMs?: number }>(
  async (app, options) => {
    const { config } = app;
    const store = await WateringStore.open(config.dataDir, app.log);
    const now = (): number => Date.now();
    const defaultExpiresS = (potId: string): number => {
      const interval = app.store.pot(potId, now())?.intervalS ?? 0;
      return Math.min(MAX_COMMAND_LIFETIME_S, Math.max(DEFAULT_EXPIRES_S, 3 * interval));
    };
    let commands: CommandBook | null = null;
    const rules = new RuleRunner({
      store, commands: () => commands!, care: app.care, timeZone: config.timeZone, log: app.log, now, expiresInS: defaultExpiresS,
    });
    commands = new CommandBook({
      prefix: config.mqttPrefix, store, mqtt: app.mqtt, live: app.live, timelines: app.care.timelines, log: app.log, now,
      onOutcome: (record) => rules.onOutcome(record),
    });
    const book = commands;

    app.mqtt.setAckHandler((topic, payload) => {
      try {
        book.handleAck(topic, payload);
      } catch (err) {
        app.log.error({ err, topic }, 'acknowledgement not handled');
      }
    });
    app.mqtt.addReadingListener((potId, reading) => rules.onReading(potId, reading));

    const tick = (at: number): void => {
      book.expire(at);
      rules.tick(at);
    };
    const timer = setInterval(() => tick(now()), options.tickMs ?? WATERING_TICK_MS);
    timer.unref();

    app.decorate('watering', { store, commands: book, rules, clock: zonedClock(config.timeZone), defaultExpiresS, tick });
    app.addHook('onClose', async () => {
      clearInterval(timer);
      await store.save();
    });
  },
  { name: 'poco-watering', dependencies: ['poco-config', 'poco-store', 'poco-live', 'poco-mqtt', 'poco-care'] },
);
