import mqtt from 'mqtt';
import { describe, expect, it } from 'vitest';
import { publish, startGateway } from './gateway-harness.ts';

describe('shutting down', () => {
  it('closes while a device is connected over WebSocket, keeping what it acknowledged', async () => {
    const running = await startGateway();
    const device = await mqtt.connectAsync(`${running.httpUrl.replace('http', 'ws')}/mqtt`, {
      clientId: 'ws-0001',
      reconnectPeriod: 0,
    });
    await publish(device, 'devices/ws-0001/readings', JSON.stringify({ seq: 1, values: { x: 1 } }));
    const closed = running.gateway.close();
    const outcome = await Promise.race([
      closed.then(() => 'closed'),
      new Promise((resolve) => setTimeout(() => resolve('still open after 5 s'), 5000)),
    ]);
    expect(outcome).toBe('closed');
    device.end(true);
    await running.gateway.store.init();
    expect(await running.gateway.store.scan('ws-0001', 0, Date.now() + 60_000)).toHaveLength(1);
    await running.dispose();
  });
});
