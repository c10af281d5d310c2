import { afterAll, beforeAll, expect, it } from 'vitest';
import type { MqttClient } from 'mqtt';
import type { Browser, Page } from 'playwright-core';
import { createDemoCity } from '@sensegrid/twin';
import { describeWithBinary } from './harness/binaries.ts';
import {
  CONSOLE_DIR,
  ensureConsoleBuilt,
  launchChromium,
  openConsole,
  screenshot,
} from './harness/console.ts';
import { connectClient, publish, startGateway, type RunningGateway } from './gateway-harness.ts';

const MINUTE = 60_000;
const city = createDemoCity({ seed: 5, sensors: 300 });
const sensor = city.sensors.find((s) => s.layer === 'air')!;

async function until(check: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`not true within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describeWithBinary(
  'chromium',
  'apt-get install -y chromium',
  'the console timeline in Chromium',
  (chromiumPath) => {
    let running: RunningGateway;
    let browser: Browser;
    let device: MqttClient;
    let page: Page;
    /** The minute of a known incident, two hours back: an air sensor far out of range. */
    const incident = Math.floor((Date.now() - 2 * 3600_000) / MINUTE) * MINUTE;

    beforeAll(async () => {
      ensureConsoleBuilt();
      running = await startGateway({}, { city, consoleDir: CONSOLE_DIR });
      device = await connectClient(running.mqttUrl, { clientId: sensor.id });
      const send = (ts: number, pm25: number) =>
        publish(device, `devices/${sensor.id}/readings`, JSON.stringify({ ts, values: { pm25 } }));
      for (let m = 10; m >= 1; m--) await send(incident - m * MINUTE, 20 + m / 10);
      await send(incident + 10_000, 1500);
      await send(incident + 70_000, 24);
      await send(Date.now(), 12);
      // The incident the out-of-range reading opens, at the reading's time.
      await until(async () => {
        const response = await fetch(`${running.httpUrl}/api/alerts?limit=50`);
        const { alerts } = (await response.json()) as { alerts: { openedAt: number }[] };
        return alerts.some((a) => a.openedAt === incident + 10_000);
      }, 15_000);
      browser = await launchChromium(chromiumPath);
      page = await openConsole(browser, running.httpUrl);
    }, 120_000);

    afterAll(async () => {
      await browser?.close();
      await device?.endAsync();
      await running?.dispose();
    });

    it('scrubs back to a known incident, shows the twin as it was, and returns to live', async () => {
      await page.fill('#sensor-search', sensor.id);
      await page.press('#sensor-search', 'Enter');
      const value = page.getByTestId('sensor-value-pm25');
      await expect.poll(() => value.textContent()).toBe('12.00');
      const timeline = page.getByTestId('timeline');
      expect(await timeline.getAttribute('data-live')).toBe('true');

      // The incident is marked on the timeline; a click travels to it.
      const response = await fetch(`${running.httpUrl}/api/alerts?limit=50`);
      const { alerts } = (await response.json()) as {
        alerts: { id: string; openedAt: number; title: string }[];
      };
      const known = alerts.find((a) => a.openedAt === incident + 10_000)!;
      const mark = timeline.locator(`.mark[data-alert="${known.id}"]`);
      await mark.waitFor({ timeout: 15_000 });
      await mark.click();
      await expect.poll(() => timeline.getAttribute('data-live')).toBe('false');
      await expect.poll(() => value.textContent()).toBe('1500');
      await expect.poll(() => page.getByTestId('sensor-status').textContent()).toBe('online');
      const shown = Number(await timeline.getAttribute('data-time'));
      expect(shown).toBeGreaterThanOrEqual(incident + MINUTE);
      expect(shown).toBeLessThan(incident + 2 * MINUTE);
      await screenshot(page, 'console-timeline-incident');

      // A minute later the sensor was back to normal.
      await page.keyboard.press('.');
      await expect.poll(() => value.textContent()).toBe('24.00');

      // Far back, before it ever reported, it was offline.
      await page.keyboard.press('Shift+<');
      await expect.poll(() => page.getByTestId('sensor-status').textContent()).toBe('offline');

      // One click back to live.
      await page.getByRole('button', { name: /live/i }).click();
      await expect.poll(() => timeline.getAttribute('data-live')).toBe('true');
      await expect.poll(() => value.textContent()).toBe('12.00');
    }, 90_000);
  },
);
