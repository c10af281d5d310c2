import { describe, expect, it } from 'vitest';
import { createStore } from './create-store.ts';
import { parseInfluxUrl } from './influx.ts';

describe('createStore', () => {
  it('resolves a relative sqlite path against the working directory', async () => {
    const store = createStore('sqlite:./data/sensegrid.db', { cwd: '/srv/sensegrid' });
    expect(store.kind).toBe('sqlite');
    expect((await store.health()).target).toBe('sqlite /srv/sensegrid/data/sensegrid.db');
  });

  it('opens an in-memory sqlite store', async () => {
    const store = createStore('sqlite::memory:');
    await store.init();
    expect(await store.health()).toEqual({ ok: true, target: 'sqlite :memory:' });
    await store.close();
  });

  it('builds an influx store from an influx:// URL with the token', async () => {
    const store = createStore('influx://127.0.0.1:8086/city', { token: 't' });
    expect(store.kind).toBe('influx');
  });

  it.each([
    ['postgres://localhost/db', 'neither an sqlite: path nor an influx:// URL'],
    ['sqlite:', 'names no file'],
    ['influx://host:8086', 'must name exactly one database'],
    ['influx://host:8086/a/b', 'must name exactly one database'],
  ])('refuses %s with SENSEGRID_STORE_INVALID and a fix', (spec, problem) => {
    expect(() => createStore(spec)).toThrow(
      expect.objectContaining({
        code: 'SENSEGRID_STORE_INVALID',
        message: expect.stringContaining(problem),
        fix: expect.stringContaining('sqlite:./data/sensegrid.db'),
      }),
    );
  });

  it('never repeats a password in its error message', () => {
    expect(() => createStore('influx://gw:hunter2@host:8086')).toThrow(/gw:\*\*\*@host/);
  });
});

describe('parseInfluxUrl', () => {
  it('reads host, port, database and percent-encoded credentials', () => {
    expect(parseInfluxUrl('influx://gw:p%40ss@influx.local:9999/city')).toEqual({
      url: 'http://influx.local:9999',
      database: 'city',
      username: 'gw',
      password: 'p@ss',
    });
  });

  it('uses https for influxs:// and port 8086 when none is given', () => {
    expect(parseInfluxUrl('influxs://influx.example.org/city')).toEqual({
      url: 'https://influx.example.org:8086',
      database: 'city',
    });
  });

  it('keeps IPv6 hosts in brackets', () => {
    expect(parseInfluxUrl('influx://[::1]:8086/city').url).toBe('http://[::1]:8086');
  });
});
