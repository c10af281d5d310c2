import { afterAll, beforeAll, expect, it } from 'vitest';
import type { MqttClient } from 'mqtt';
import type { Browser, Page } from 'playwright-core';
import { createCityIndex, createDemoCity, createRandom } from '@sensegrid/twin';
import { describeWithBinary } from './harness/binaries.ts';
import {
  CONSOLE_DIR,
  ensureConsoleBuilt,
  launchChromium,
  openConsole,
  screenshot,
} from './harness/console.ts';
import { signIn, type SignedIn } from './harness/sign-in.ts';
import { connectClient, publish, startGateway, type RunningGateway } from './gateway-harness.ts';

const city = createDemoCity({ seed: 3, sensors: 1500 });
const index = createCityIndex(city);
const STEP_MS = 300_000;
/** Two days of 5-minute readings: enough history for the detector to know the usual level. */
const HISTORY_POINTS = 2 * 288;

/** A burst: `devices` of one district whose `metric` jumps from its usual level to `spike`. */
interface Burst {
  layer: string;
  metric: string;
  usual: number;
  spike: number;
  district: { id: string; name: string };
  devices: string[];
}

/** The district with the most sensors of `layer`, and four of them. */
function burstIn(layer: string, metric: string, usual: number, spike: number): Burst {
  const byDistrict = new Map<string, string[]>();
  for (const s of city.sensors.filter((s) => s.layer === layer)) {
    const district = index.place(s.lat, s.lon).district;
    if (district) byDistrict.set(district, [...(byDistrict.get(district) ?? []), s.id]);
  }
  const [district, devices] = [...byDistrict].sort((a, b) => b[1].length - a[1].length)[0]!;
  return {
    layer,
    metric,
    usual,
    spike,
    district: index.node(district)!,
    devices: devices.slice(0, 4),
  };
}

/**
 * Two days of the usual level with a daily swing and bounded noise (no tail that a detector
 * could rightly flag), then the spike now.
 */
function burstReadings(burst: Burst, seed: number, endMs: number) {
  const random = createRandom(seed);
  const values = Array.from(
    { length: HISTORY_POINTS },
    (_, i) => burst.usual * (1 + 0.1 * Math.sin((2 * Math.PI * i) / 288) + 0.02 * (random() - 0.5)),
  );
  values.push(burst.spike);
  return values.map((value, i) => ({
    ts: endMs - (values.length - 1 - i) * STEP_MS,
    seq: i + 1,
    values: { [burst.metric]: Math.round(value * 1000) / 1000 },
  }));
}

/** Every device's history first, then every device's spike, as they would arrive live. */
async function publishBurst(client: MqttClient, burst: Burst): Promise<void> {
  const endMs = Date.now();
  const series = burst.devices.map(
    (device, k) => [device, burstReadings(burst, k + 1, endMs)] as const,
  );
  for (const [device, readings] of series) {
    for (let i = 0; i < HISTORY_POINTS; i += 300) {
      const batch = JSON.stringify(readings.slice(i, Math.min(i + 300, HISTORY_POINTS)));
      await publish(client, `devices/${device}/readings`, batch);
    }
  }
  for (const [device, readings] of series) {
    await publish(
      client,
      `devices/${device}/readings`,
      JSON.stringify(readings.slice(HISTORY_POINTS)),
    );
  }
}

interface Summary {
  id: string;
  state: string;
  devices: number;
  department: string;
  place: { id: string };
}

async function openAlerts(running: RunningGateway, user: SignedIn, layer: string) {
  const response = await fetch(`${running.httpUrl}/api/alerts?state=open&layer=${layer}`, {
    headers: user.headers,
  });
  return response.ok ? ((await response.json()) as { alerts: Summary[] }).alerts : [];
}

/** Waits until the burst's incident gathers findings of at least two of its devices. */
async function incidentOf(running: RunningGateway, user: SignedIn, burst: Burst) {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const alerts = await openAlerts(running, user, burst.layer);
    if ((alerts[0]?.devices ?? 0) >= 2) return alerts;
    if (Date.now() > deadline)
      throw new Error(`no ${burst.layer} incident: ${JSON.stringify(alerts)}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

async function act(running: RunningGateway, user: SignedIn, id: string, action: string) {
  const response = await fetch(`${running.httpUrl}/api/alerts/${id}/${action}`, {
    method: 'POST',
    headers: { ...user.headers, 'content-type': 'application/json' },
    body: '{}',
  });
  expect(response.status, await response.clone().text()).toBe(200);
}

/** Signs the console in as `user` through its sign-in form. */
async function signInConsole(page: Page, user: SignedIn): Promise<void> {
  await page.getByTestId('sign-in').click();
  await page.getByLabel('User name').fill(user.name);
  await page.getByLabel('Password').fill(user.password);
  await page.getByLabel('Password').press('Enter');
  await expect.poll(() => page.getByTestId('user-name').textContent()).toBe(user.name);
  await page.waitForSelector('.console[data-ready="true"] [data-testid="connection"]:text("live")');
}

/** Opens an incident from the alert list (opening the list first if it is closed). */
async function openIncident(page: Page, id: string) {
  if (!(await page.getByTestId('alert-list').isVisible())) await page.keyboard.press('a');
  const row = page.getByTestId(`alert-row-${id}`);
  await row.click();
  const detail = page.getByTestId('alert-detail');
  await expect.poll(() => detail.getByTestId('alert-title').textContent()).not.toBe('…');
  return { row, detail, state: detail.getByTestId('alert-state') };
}

describeWithBinary(
  'chromium',
  'apt-get install -y chromium',
  'the alert workflow in the console',
  (chromiumPath) => {
    const water = burstIn('water', 'pressure_bar', 3.5, 12);
    const air = burstIn('air', 'pm25', 12, 180);
    let running: RunningGateway;
    let browser: Browser;
    let dispatcher: SignedIn;
    let operator: SignedIn;
    let waterIncidents: Summary[];
    let airIncidents: Summary[];

    beforeAll(async () => {
      ensureConsoleBuilt();
      running = await startGateway({}, { city, consoleDir: CONSOLE_DIR });
      dispatcher = await signIn(running, 'dispatcher', 'dana');
      operator = await signIn(running, 'operator', 'olga');
      const client = await connectClient(running.mqttUrl, { clientId: 'test-field-devices' });
      try {
        await publishBurst(client, water);
        await publishBurst(client, air);
      } finally {
        await client.endAsync();
      }
      waterIncidents = await incidentOf(running, dispatcher, water);
      airIncidents = await incidentOf(running, dispatcher, air);
      browser = await launchChromium(chromiumPath);
    }, 180_000);

    afterAll(async () => {
      await browser?.close();
      await running?.dispose();
    });

    it('raises one incident per burst, placed in the burst’s district', () => {
      expect(waterIncidents).toHaveLength(1);
      expect(waterIncidents[0]).toMatchObject({
        state: 'discovered',
        place: { id: water.district.id },
      });
      expect(airIncidents).toHaveLength(1);
      expect(airIncidents[0]).toMatchObject({
        state: 'discovered',
        place: { id: air.district.id },
      });
    });

    it('lets a dispatcher dispatch, accept, resolve and rate an incident, and the evaluation shows it', async () => {
      const incident = waterIncidents[0]!;
      const page = await openConsole(browser, running.httpUrl);
      try {
        await signInConsole(page, dispatcher);
        const list = page.getByTestId('alert-list');
        const row = page.getByTestId(`alert-row-${incident.id}`);
        // `a` toggles the list; it starts open in a wide window.
        await expect.poll(() => list.isVisible()).toBe(true);
        await page.keyboard.press('a');
        await expect.poll(() => list.isVisible()).toBe(false);
        await page.keyboard.press('a');
        await expect.poll(() => row.isVisible()).toBe(true);
        // Filters: the region text matches the incident's place in any grid system.
        await list.getByTestId('alert-filter-region').fill(water.district.name.toLowerCase());
        await list.getByTestId('alert-filter-layer').selectOption('air');
        await expect.poll(() => row.isVisible()).toBe(false);
        await list.getByTestId('alert-filter-layer').selectOption('water');
        await expect.poll(() => row.isVisible()).toBe(true);
        await list.getByTestId('alert-filter-region').fill('no such place');
        await expect.poll(() => row.isVisible()).toBe(false);
        await list.getByTestId('alert-filter-region').fill('');
        await list.getByTestId('alert-filter-layer').selectOption('');
        await expect.poll(() => row.isVisible()).toBe(true);
        expect(await row.getByTestId('alert-severity').textContent()).toMatch(
          /^(critical|major|minor|warning)$/,
        );
        await expect
          .poll(() => page.getByTestId('region-alert-label').count(), { timeout: 10_000 })
          .toBeGreaterThan(0);
        await screenshot(page, 'console-alerts-list');

        const { detail, state } = await openIncident(page, incident.id);
        await expect.poll(() => state.textContent()).toBe('discovered');
        // The camera flies to the incident's district through the console's drill-down.
        await expect
          .poll(() => page.getByTestId('breadcrumb').textContent())
          .toContain(water.district.name);

        const step = async (action: string, next: string) => {
          await detail.getByTestId(`alert-action-${action}`).click();
          await expect.poll(() => state.textContent()).toBe(next);
        };
        await detail.getByTestId('alert-dispatch-department').selectOption(incident.department);
        await detail.getByTestId('alert-note').fill('crew 7 on the way');
        await step('dispatch', 'dispatched');
        await step('accept', 'in progress');
        await step('resolve', 'resolved');
        await detail.getByTestId('alert-action-evaluate').click();
        await detail.getByTestId('alert-rating-4').click();
        await detail.getByTestId('alert-rating-comment').fill('quick and clean');
        await detail.getByTestId('alert-rating-submit').click();
        await expect.poll(() => state.textContent()).toBe('evaluated');
        const timeline = detail.getByTestId('alert-timeline');
        const steps = await timeline
          .locator('li')
          .evaluateAll((items) => items.map((li) => li.getAttribute('data-action')));
        // The loop's own steps (escalations of overdue steps) may come in between.
        const people = steps.filter((a) => a !== 'escalate' && a !== 'discover');
        expect(people).toEqual(['dispatch', 'accept', 'resolve', 'evaluate']);
        expect(await timeline.textContent()).toContain('crew 7 on the way');
        expect(await detail.getByTestId('alert-rating').textContent()).toContain('quick and clean');
        await screenshot(page, 'console-alerts-detail');

        // Keyboard: `e` opens the evaluation (from anywhere but a text field).
        await page.getByTestId('toggle-alerts').focus();
        await page.keyboard.press('e');
        const evaluation = page.getByTestId(`evaluation-row-${incident.department}`);
        await expect
          .poll(() => evaluation.getByTestId('evaluation-alerts').textContent())
          .toBe('1');
        await expect
          .poll(() => evaluation.getByTestId('evaluation-rating').textContent())
          .toBe('4.0 (1)');
        await screenshot(page, 'console-alerts-evaluation');

        // Esc closes the evaluation, then the alert, and only then leaves the district.
        await page.keyboard.press('Escape');
        await expect.poll(() => page.getByTestId('evaluation-panel').isVisible()).toBe(false);
        await page.keyboard.press('Escape');
        await expect.poll(() => detail.isVisible()).toBe(false);
        expect(await page.getByTestId('breadcrumb').textContent()).toContain(water.district.name);
        // Evaluated is no longer open: it is listed under every state.
        expect(await row.isVisible()).toBe(false);
        await list.getByTestId('alert-filter-state').selectOption('all');
        await row.click();
        await expect.poll(() => state.textContent()).toBe('evaluated');

        await page.setViewportSize({ width: 760, height: 900 });
        // The console still fits, and so does the list over the city.
        await expect
          .poll(async () => (await page.locator('canvas').boundingBox())?.width)
          .toBe(760);
        expect((await list.boundingBox())!.width).toBeLessThan(760);
        await screenshot(page, 'console-alerts-narrow');
      } finally {
        await page.close();
      }
    }, 120_000);

    it('offers an operator only an operator’s actions, and shows the gateway’s refusal of a stale one', async () => {
      const incident = airIncidents[0]!;
      // Between the gateway and this console, `$twin/alerts` messages can be held back, as a
      // QoS 0 message can be lost, so the console keeps showing a state that has moved on.
      let holdAlerts = false;
      const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
      await context.routeWebSocket(/\/mqtt$/, (ws) => {
        const server = ws.connectToServer();
        ws.onMessage((message) => server.send(message));
        server.onMessage((message) => {
          if (holdAlerts && Buffer.from(message).includes('$twin/alerts')) return;
          ws.send(message);
        });
      });
      const page = await openConsole(
        { newPage: () => context.newPage() } as unknown as Browser,
        running.httpUrl,
      );
      try {
        await signInConsole(page, operator);
        const { detail, state } = await openIncident(page, incident.id);
        await expect.poll(() => state.textContent()).toBe('discovered');
        const dispatch = detail.getByTestId('alert-action-dispatch');
        expect(await dispatch.isDisabled()).toBe(true);
        expect(await dispatch.locator('..').getAttribute('title')).toBe(
          'Needs the dispatcher or admin role (you are operator)',
        );

        // A dispatcher elsewhere dispatches it: the open detail follows live.
        await act(running, dispatcher, incident.id, 'dispatch');
        await expect.poll(() => state.textContent()).toBe('dispatched');
        expect(await detail.getByTestId('alert-action-accept').isEnabled()).toBe(true);

        // ...then cancels it as a false alarm, while this console hears nothing of it.
        holdAlerts = true;
        await act(running, dispatcher, incident.id, 'cancel');
        await detail.getByTestId('alert-action-accept').click();
        const error = detail.getByTestId('alert-action-error');
        await expect.poll(() => error.textContent()).toContain('cannot be accepted');
        expect(await error.textContent()).toContain('SENSEGRID_INVALID_TRANSITION');
        await expect.poll(() => state.textContent()).toBe('cancelled');
        await screenshot(page, 'console-alerts-refused');
      } finally {
        await context.close();
      }
    }, 120_000);
  },
);
