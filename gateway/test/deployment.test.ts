import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { SETTING_NAMES, parseConfig } from '../src/config.ts';
import { readSettings } from '../src/cli/options.ts';

const root = fileURLToPath(new URL('../../', import.meta.url));
const compose = parse(readFileSync(`${root}docker-compose.yml`, 'utf8')) as {
  services: Record<
    string,
    {
      build?: string;
      image?: string;
      ports?: string[];
      environment?: Record<string, string>;
      volumes?: string[];
      depends_on?: Record<string, unknown>;
    }
  >;
  volumes: Record<string, unknown>;
};

describe('docker-compose.yml', () => {
  const gateway = compose.services.gateway!;
  const influx = compose.services.influxdb!;
  const env = gateway.environment ?? {};

  it('builds the gateway from the Dockerfile and runs it beside InfluxDB', () => {
    expect(gateway.build).toBe('.');
    expect(readFileSync(`${root}Dockerfile`, 'utf8')).toMatch(
      /CMD \["node", ("--[a-z-]+=\d+", )*"bin\/sensegrid.mjs", "start"\]/,
    );
    expect(influx.image).toMatch(/^influxdb:/);
    expect(Object.keys(gateway.depends_on ?? {})).toContain('influxdb');
  });

  it('sets only settings the gateway knows, with values its schema accepts', () => {
    const known = new Set(Object.values(SETTING_NAMES).map((names) => names.env));
    for (const name of Object.keys(env)) expect(known, name).toContain(name);
    const config = parseConfig(readSettings([], env).input);
    expect(config.host).toBe('0.0.0.0');
    expect(config.store).toBe('influx://influxdb:8086/sensegrid');
  });

  it('publishes the configured MQTT and HTTP ports', () => {
    const config = parseConfig(readSettings([], env).input);
    const published = (gateway.ports ?? []).map((mapping) => Number(mapping.split(':').pop()));
    expect(published).toEqual(expect.arrayContaining([config.mqttPort, config.httpPort]));
  });

  it('points the store at the InfluxDB service and database it creates', () => {
    const store = new URL(env.SENSEGRID_STORE!.replace(/^influx:/, 'http:'));
    expect(store.hostname).toBe('influxdb');
    expect(store.port).toBe('8086');
    expect(store.pathname.slice(1)).toBe(influx.environment?.INFLUXDB_DB);
  });

  it('keeps gateway and InfluxDB data in named volumes', () => {
    const config = parseConfig(readSettings([], env).input);
    expect(gateway.volumes).toContain(`gateway-data:${config.dataDir}`);
    expect(influx.volumes).toContain('influxdb-data:/var/lib/influxdb');
    expect(Object.keys(compose.volumes)).toEqual(
      expect.arrayContaining(['gateway-data', 'influxdb-data']),
    );
  });
});
