// What an operator may do in the console, and how it shows the gateway refusing a stale action.
import { beforeAll, expect, it, vi } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { describeWithBinary } from './harness/binaries.ts';
import { openConsole, screenshot } from './harness/console.ts';
import { act } from './console-alerts-field.ts';
import {
  air,
  airIncidents,
  browser,
  dispatcher,
  operator,
  running,
  signInConsole,
  useAlertConsole,
  water,
} from './console-alerts-setup.ts';

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

/**
 * From now on, counts the console store's updates and records which keys change, but for those
 * the twin's frames move on their own schedule (the counters twice a second, the rollups when a
 * sensor of the city turns stale or a metric window rolls over).
 */
async function watchConsoleStore(page: Page) {
  await page.evaluate(() => {
    const probe = globalThis as unknown as StoreProbe;
    probe.__storeChanges = { keys: [], updates: 0 };
    probe.__sensegrid.runtime.store.subscribe((next, previous) => {
      probe.__storeChanges.updates++;
      for (const key of Object.keys(next))
        if (key !== 'counters' && key !== 'rollupVersion' && next[key] !== previous[key])
          probe.__storeChanges.keys.push(key);
    });
  });
  return () => page.evaluate(() => (globalThis as unknown as StoreProbe).__storeChanges);
}

describeWithBinary(
  'chromium',
  'apt-get install -y chromium',
  'the alert workflow in the console',
  (chromiumPath) => {
    useAlertConsole(chromiumPath);

    // The bursts' sensors turn stale seconds after their last reading, and that changes the
    // rollups; the test below watches the console store stay still, so it starts after that.
    beforeAll(async () => {
      const statusOf = async (id: string) => {
        const response = await fetch(`${running.httpUrl}/api/sensors/${id}`, {
          headers: dispatcher.headers,
        });
        return ((await response.json()) as { status: string }).status;
      };
      const devices = [...water.devices, ...air.devices];
      await vi.waitFor(
        async () =>
          expect(await Promise.all(devices.map(statusOf))).toEqual(devices.map(() => 'stale')),
        { timeout: 30_000, interval: 250 },
      );
    }, 60_000);

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
