import mqtt from 'mqtt';
import type { MqttClient } from 'mqtt';

export interface ReceivedReading {
  device: string;
  ts: number;
  seq: number;
  values: Record<string, number>;
}

/** A real mqtt.js client that records what arrives, decoded by topic. */
export interface TestSubscriber {
  client: MqttClient;
  readings: ReceivedReading[];
  /** Last payload per topic (retained messages included). */
  latest: Map<string, string>;
  /** Device id to the seqs received, in arrival order. */
  seqsByDevice(): Map<string, number[]>;
  close(): Promise<void>;
}

export async function startSubscriber(url: string, topics: string[]): Promise<TestSubscriber> {
  const client = await mqtt.connectAsync(url, { reconnectPeriod: 0, clean: true });
  const readings: ReceivedReading[] = [];
  const latest = new Map<string, string>();
  client.on('message', (topic, payload) => {
    const text = payload.toString();
    latest.set(topic, text);
    const [, device, kind] = topic.split('/');
    if (kind !== 'readings' || !device) return;
    const body = JSON.parse(text) as
      Omit<ReceivedReading, 'device'> | Array<Omit<ReceivedReading, 'device'>>;
    for (const r of Array.isArray(body) ? body : [body]) readings.push({ device, ...r });
  });
  await client.subscribeAsync(topics, { qos: 1 });
  return {
    client,
    readings,
    latest,
    seqsByDevice() {
      const out = new Map<string, number[]>();
      for (const r of readings) {
        const list = out.get(r.device) ?? [];
        list.push(r.seq);
        out.set(r.device, list);
      }
      return out;
    },
    close: () => client.endAsync(),
  };
}
