import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../src/config.ts';
import { buildGateway } from '../src/gateway.ts';
import { builtInRules, parseAlertRules, routeAlert } from '../src/alerts/rules.ts';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sensegrid-alert-rules-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const regions = {
  admin: { id: 'd02' },
  policing: { id: 'pol-012' },
  utilities: { id: 'uti-002' },
};

describe('alert routing rules', () => {
  it('sends each layer to its usual department without a rules file', () => {
    const rules = builtInRules();
    expect(routeAlert(rules, { layer: 'water', severity: 'minor', regions })).toMatchObject({
      department: 'water-utility',
      autoDispatch: false,
    });
    expect(routeAlert(rules, { layer: 'netsec', severity: 'minor', regions }).department).toBe(
      'it-security',
    );
    expect(routeAlert(rules, { layer: 'mystery', severity: 'minor', regions })).toMatchObject({
      department: 'city-operations',
      rule: 'default',
    });
  });

  it('matches grid system, region, layer and severity, first rule first, in YAML or JSON', () => {
    const yaml = parseAlertRules(
      [
        'default: ops-desk',
        'rules:',
        '  - system: policing',
        '    region: pol-012',
        '    layer: crowd',
        '    department: police-beat-12',
        '    autoDispatch: true',
        '  - layer: crowd',
        '    severity: critical',
        '    department: public-safety-command',
        'sla:',
        '  critical: { dispatchMinutes: 2, acceptMinutes: 5, resolveMinutes: 60 }',
        'timing: { holdMinutes: 10 }',
      ].join('\n'),
    );
    expect(routeAlert(yaml, { layer: 'crowd', severity: 'minor', regions })).toMatchObject({
      department: 'police-beat-12',
      autoDispatch: true,
      rule: 'rules[0] (line 3)',
    });
    const elsewhere = { ...regions, policing: { id: 'pol-001' } };
    expect(
      routeAlert(yaml, { layer: 'crowd', severity: 'critical', regions: elsewhere }).department,
    ).toBe('public-safety-command');
    expect(
      routeAlert(yaml, { layer: 'crowd', severity: 'minor', regions: elsewhere }).department,
    ).toBe('public-safety');
    expect(yaml.sla.critical).toEqual({
      dispatchMs: 120_000,
      acceptMs: 300_000,
      resolveMs: 3_600_000,
    });
    expect(yaml.timing.holdMs).toBe(600_000);
    const json = parseAlertRules(
      JSON.stringify({
        default: 'ops',
        builtIn: false,
        rules: [{ layer: 'air', department: 'env' }],
      }),
    );
    expect(routeAlert(json, { layer: 'water', severity: 'minor', regions }).department).toBe('ops');
  });

  it('names the line and field of every problem at once', () => {
    const text = [
      'default: ops desk',
      'rules:',
      '  - layer: water',
      '    department: water-co',
      '  - layer: lava',
      '    department: fire',
      '    severity: [big]',
      '  - colour: red',
      'sla:',
      '  critical: { dispatchMinutes: -1, acceptMinutes: 1, resolveMinutes: 2 }',
    ].join('\n');
    let message = '';
    try {
      parseAlertRules(text, 'rules.yaml');
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toMatch(/^SENSEGRID_ALERT_RULES_INVALID: alert rules rules.yaml:/);
    expect(message).toContain('line 1, default: must be 1-64 letters');
    expect(message).toContain('line 5, rules[1].layer: Invalid option');
    expect(message).toContain(
      'line 7, rules[1].severity: must be one of critical, major, minor, warning',
    );
    expect(message).toMatch(/line 8, rules\[2\]: Unrecognized key: "colour"/);
    expect(message).toMatch(/line 8, rules\[2\]\.department: /);
    expect(message).toContain(
      'line 10, sla.critical.dispatchMinutes: must be a positive number of minutes',
    );
    expect(message).toContain('--alert-rules (SENSEGRID_ALERT_RULES)');
  });

  it('reports a file that is not YAML with its line', () => {
    expect(() => parseAlertRules('rules: [\n  { layer: water,\n', 'broken.yaml')).toThrow(
      /SENSEGRID_ALERT_RULES_INVALID: alert rules broken.yaml:\n {2}- line \d+: /,
    );
  });

  it('stops the gateway from starting with a bad rules file named by --alert-rules', async () => {
    const file = join(dir, 'bad.yaml');
    await writeFile(file, 'rules:\n  - layer: water\n');
    const config = parseConfig({ dataDir: dir, alertRules: file });
    expect(() => buildGateway(config)).toThrow(/line 2, rules\[0\]\.department: /);
    expect(() =>
      buildGateway(parseConfig({ dataDir: dir, alertRules: join(dir, 'none.yaml') })),
    ).toThrow(/SENSEGRID_ALERT_RULES_INVALID: .*none.yaml:\n {2}- cannot be read/);
  });
});
