import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { MqttClient } from 'mqtt';
import { removeBrokerDir, startMosquitto, type Broker } from '../support/mosquitto.js';
import { connectPublisher, readingPayload, removeDir, startHub, waitFor, type TestHub } from '../support/hub.js';

const POT = 'a0b1c2d3e4fa';

interface Context {
  broker: Broker;
  hub: TestHub;
  pub: MqttClient;
  abort: AbortController;
}

interface ServerEvent {
  event: string;
  data: any;
}

/** Reads an SSE body into `events` until the stream ends. */
async function collect(body: ReadableStream<Uint8Array>, events: ServerEvent[]): Promise<void> {
  const decoder = new TextDecoder();
  let buffer = '';
  try {
    for await (const chunk of body) {
      buffer += decoder.decode(chunk, { stream: true });
      let end: number;
      while ((end = buffer.indexOf('\n\n')) >= 0) {
        const block = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        const event = /^event: (.*)$/m.exec(block)?.[1];
        const data = /^data: (.*)$/m.exec(block)?.[1];
        if (event && data) events.push({ event, data: JSON.parse(data) });
      }
    }
  } catch {
    // Aborted by the test.
  }
}

const events = suite<Context>('live events');

events.before(async (context) => {
  context.broker = await startMosquitto();
  context.hub = await startHub({ brokerUrl: context.broker.url });
  context.pub = await connectPublisher(context.broker.url);
  context.abort = new AbortController();
});

events.after(async (context) => {
  context.abort?.abort();
  await context.pub?.endAsync();
  await context.hub?.close();
  await context.broker?.stop();
  removeDir(context.hub.dataDir);
  removeBrokerDir(context.broker);
});

events('delivers a reading event after a publish', async ({ hub, pub, abort }) => {
  const response = await fetch(hub.url + '/api/events', { signal: abort.signal });
  assert.is(response.status, 200);
  assert.match(response.headers.get('content-type') ?? '', /text\/event-stream/);

  const received: ServerEvent[] = [];
  void collect(response.body!, received);
  await waitFor('live client counted', () => hub.app.live.clientCount === 1);

  await pub.publishAsync(`poco/${POT}/telemetry`, readingPayload(7), { qos: 1 });
  const reading = await waitFor('reading event', () => received.find((e) => e.event === 'reading'));
  assert.is(reading.data.potId, POT);
  assert.is(reading.data.reading.seq, 7);

  const pot = await waitFor('pot event', () => received.find((e) => e.event === 'pot'));
  assert.is(pot.data.pot.id, POT);
  assert.is(pot.data.pot.status, 'online');
});

events('forgets a client that disconnects', async ({ hub, abort }) => {
  abort.abort();
  await waitFor('client removed', () => hub.app.live.clientCount === 0);
});

events.run();
