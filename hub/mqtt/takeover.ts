// Detects another process that uses the hub's MQTT client id. An MQTT 5 broker may report it with
// DISCONNECT reason 0x8E, but Mosquitto 2.0.11 just closes the older connection. Then both processes
// reconnect in turn and each connection is cut a few seconds after CONNACK, so that pattern,
// repeated, is taken as the same cause.

/** MQTT 5 DISCONNECT reason: another client connected with the same client id. */
export const SESSION_TAKEN_OVER = 0x8e;
/** A connection the broker closes sooner than this after CONNACK counts as cut short. */
export const SHORT_CONNECTION_MS = 30 * 1000;
/** Connections cut short in a row before the hub gives up. */
export const MAX_SHORT_CONNECTIONS = 3;

export class TakeoverGuard {
  #connectedAt: number | null = null;
  #shortInARow = 0;

  connected(now: number): void {
    this.#connectedAt = now;
  }

  /** Records a connection the broker closed; returns true when the hub should stop reconnecting. */
  closed(now: number): boolean {
    if (this.#connectedAt === null) return false;
    const lastedMs = now - this.#connectedAt;
    this.#connectedAt = null;
    this.#shortInARow = lastedMs < SHORT_CONNECTION_MS ? this.#shortInARow + 1 : 0;
    return this.#shortInARow >= MAX_SHORT_CONNECTIONS;
  }
}
