import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { describeWithBinary } from './harness/binaries.ts';
import {
  CONSOLE_DIR,
  ensureConsoleBuilt,
  launchChromium,
  openConsole,
  screenshot,
} from './harness/console.ts';
import { signIn, type SignedIn } from './harness/sign-in.ts';
import { connectClient, startGateway, type RunningGateway } from './gateway-harness.ts';
import {
  act,
  burstIn,
  city,
  incidentOf,
  publishBurst,
  type Summary,
} from './console-alerts-field.ts';

type StoreProbe = {
  __sensegrid: {
    runtime: {
      store: {
        subscribe(f: (s: Record<string, unknown>, p: Record<string, unknown>) => void): void;
      };
    };
  };
  __storeChanges: { keys: string[]; updates: number };
};

/** From now on, counts the console store's updates and records which keys change, counters aside. */
async function watchConsoleStore(page: Page) {
  await page.evaluate(() => {
    const probe = globalThis as unknown as StoreProbe;
    probe.__storeChanges = { keys: [], updates: 0 };
    probe.__sensegrid.runtime.store.subscribe((next, previous) => {
      probe.__storeChanges.updates++;
      for (const key of Object.keys(next))
        if (key !== 'counters' && next[key] !== previous[key]) probe.__storeChanges.keys.push(key);
    });
  });
  return () => page.evaluate(() => (globalThis as unknown as StoreProbe).__storeChanges);
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
        // Over the city, the incident's district carries a label of its open alerts; a click on
        // it lists that district's alerts.
        const label = page.locator(
          `[data-testid="region-alert-label"][data-region="${water.district.id}"]`,
        );
        await expect.poll(() => label.isVisible(), { timeout: 10_000 }).toBe(true);
        await screenshot(page, 'console-alerts-list');
        await label.click();
        await expect
          .poll(() => list.getByTestId('alert-filter-region').inputValue())
          .toBe(water.district.name);
        expect(await row.isVisible()).toBe(true);
        await list.getByTestId('alert-filter-region').fill('');

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
        // Routed to the water utility; the dispatcher sends public works instead.
        expect(incident.department).toBe('water-utility');
        await detail.getByTestId('alert-dispatch-department').fill('public-works');
        await detail.getByTestId('alert-note').fill('crew 7 on the way');
        await step('dispatch', 'dispatched');
        expect(await detail.getByTestId('alert-department').textContent()).toBe('public-works');
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
        await timeline.scrollIntoViewIfNeeded();
        await screenshot(page, 'console-alerts-timeline');

        // Keyboard: `e` opens the evaluation (from anywhere but a text field).
        await page.getByTestId('toggle-alerts').focus();
        await page.keyboard.press('e');
        const evaluation = page.getByTestId('evaluation-row-public-works');
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
        // Five minutes back on the timeline, the list shows the alerts as they stood then:
        // this incident had not been raised yet.
        await page.keyboard.press(',');
        await expect.poll(() => list.getByTestId('alert-list-past').isVisible()).toBe(true);
        await expect.poll(() => row.isVisible()).toBe(false);
        await page.keyboard.press('l');
        await expect.poll(() => row.isVisible()).toBe(true);
        expect(await list.getByTestId('alert-list-past').count()).toBe(0);

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
    }, 180_000);

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
        // By keyboard: `a` to the list, arrows to the incident, Enter to open it.
        if (await page.getByTestId('alert-list').isVisible()) await page.keyboard.press('a');
        await page.keyboard.press('a');
        const focusedRow = () =>
          page.evaluate(
            () =>
              (
                globalThis as unknown as {
                  document: { activeElement: { getAttribute(n: string): string | null } | null };
                }
              ).document.activeElement?.getAttribute('data-testid') ?? null,
          );
        await expect.poll(focusedRow).toMatch(/^alert-row-/);
        for (let i = 0; i < 10 && (await focusedRow()) !== `alert-row-${incident.id}`; i++)
          await page.keyboard.press('ArrowDown');
        expect(await focusedRow()).toBe(`alert-row-${incident.id}`);
        await page.keyboard.press('Enter');
        const detail = page.getByTestId('alert-detail');
        const state = detail.getByTestId('alert-state');
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

        // Live alert messages go to the alert views only: the console store, which the 3D
        // scene reads, hears nothing of ten re-dispatches (only its counters tick).
        const storeChanges = await watchConsoleStore(page);
        for (let i = 0; i < 10; i++) {
          const department = i % 2 === 0 ? 'public-safety' : 'environment';
          await act(running, dispatcher, incident.id, 'dispatch', { department });
        }
        await expect
          .poll(() => detail.getByTestId('alert-department').textContent())
          .toBe('environment');
        await expect
          .poll(() => detail.getByTestId('alert-timeline').locator('li').count())
          .toBeGreaterThanOrEqual(12);
        // The counters tick twice a second, so the probe is seen to be listening.
        await expect.poll(async () => (await storeChanges()).updates).toBeGreaterThan(0);
        expect((await storeChanges()).keys).toEqual([]);

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
    }, 180_000);
  },
);
