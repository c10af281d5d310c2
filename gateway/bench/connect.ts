import { mkdtemp, rm } from 'node:fs/promises';
import { connect } from 'node:net';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import mqttPacket from 'mqtt-packet';
import { CredentialStore } from '../src/guard/credentials.ts';
import { startChild } from './child.ts';

// npm run bench:connect — MQTT connections accepted per second: anonymous (the baseline), with
// authentication on a first login (scrypt) and on a reconnect (verified secret cached).
const DEVICES = Number(process.env.BENCH_DEVICES ?? 2000);
const PARALLEL = 64;

function connectOnce(port: number, id: string, secret?: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    const parser = mqttPacket.parser({ protocolVersion: 4 });
    parser.on('packet', (packet) => {
      if (packet.cmd !== 'connack') return;
      socket.end(mqttPacket.generate({ cmd: 'disconnect' }));
      resolve(packet.returnCode ?? -1);
    });
    socket.on('data', (chunk) => parser.parse(chunk));
    socket.on('error', reject);
    socket.write(
      mqttPacket.generate({
        cmd: 'connect',
        protocolId: 'MQTT',
        protocolVersion: 4,
        clientId: id,
        clean: true,
        keepalive: 30,
        ...(secret ? { username: id, password: Buffer.from(secret) } : {}),
      }),
    );
  });
}

async function connectAll(port: number, ids: string[], secrets?: Map<string, string>) {
  const started = performance.now();
  let next = 0;
  let refused = 0;
  await Promise.all(
    Array.from({ length: PARALLEL }, async () => {
      while (next < ids.length) {
        const id = ids[next++]!;
        if ((await connectOnce(port, id, secrets?.get(id))) !== 0) refused++;
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  return { perSecond: ids.length / seconds, refused };
}

const dataDir = await mkdtemp(join(tmpdir(), 'sensegrid-bench-connect-'));
const ids = Array.from({ length: DEVICES }, (_, i) => `bench-${String(i).padStart(5, '0')}`);
const secrets = await new CredentialStore(join(dataDir, 'credentials.json')).provision(
  ids.map((id) => ({ id })),
);
const cpu = cpus();
console.log(`machine: ${cpu.length} x ${cpu[0]?.model ?? 'cpu'}, node ${process.version}`);
console.log(`${DEVICES} devices, ${PARALLEL} connecting at a time\n`);

const rows: [string, { perSecond: number; refused: number }][] = [];
const anonymous = await startChild([
  'bin/sensegrid.mjs',
  'start',
  '--mqtt-port=0',
  '--http-port=0',
  '--allow-anonymous',
  `--data-dir=${join(dataDir, 'anon')}`,
  '--sessions=memory',
  '--connects-per-sec=0',
]);
rows.push(['anonymous (baseline)', await connectAll(anonymous.ready.mqttPort, ids)]);
await anonymous.stop();

const secured = await startChild([
  'bin/sensegrid.mjs',
  'start',
  '--mqtt-port=0',
  '--http-port=0',
  `--data-dir=${dataDir}`,
  '--sessions=memory',
  '--connects-per-sec=0',
]);
rows.push([
  'authenticated, first login (scrypt)',
  await connectAll(secured.ready.mqttPort, ids, secrets),
]);
rows.push([
  'authenticated, reconnect (cached)',
  await connectAll(secured.ready.mqttPort, ids, secrets),
]);
await secured.stop();
await rm(dataDir, { recursive: true, force: true });

console.log('| connections | per second | refused |');
console.log('|---|---|---|');
for (const [name, r] of rows)
  console.log(`| ${name} | ${Math.round(r.perSecond)} | ${r.refused} |`);
