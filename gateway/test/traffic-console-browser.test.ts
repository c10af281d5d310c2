import { createConnection } from 'node:net';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { MqttClient, type IClientOptions } from 'mqtt';
import { createDemoCity } from '@sensegrid/twin';
import { describeWithBinary } from './harness/binaries.ts';
import {
  CONSOLE_DIR,
  ensureConsoleBuilt,
  launchChromium,
  openConsole,
  screenshot,
} from './harness/console.ts';
import { startGateway, type RunningGateway } from './gateway-harness.ts';
import { addUser } from './harness/sign-in.ts';

const city = createDemoCity({ seed: 4, sensors: 300, buildings: 3000 });

/** Connects from `localAddress` and resolves once the gateway answered or hung up. */
function connectFrom(url: string, localAddress: string, options: IClientOptions) {
  const { hostname, port } = new URL(url);
  const client = new MqttClient(
    () => createConnection({ host: hostname, port: Number(port), localAddress }),
    { reconnectPeriod: 0, connectTimeout: 5000, ...options },
  );
  return new Promise<MqttClient | undefined>((resolve) => {
    client.once('connect', () => resolve(client));
    client.once('error', () => {
      client.end(true);
      resolve(undefined);
    });
    client.once('close', () => resolve(undefined));
  });
}

describeWithBinary(
  'chromium',
  'apt-get install -y chromium',
  'the security view in Chromium',
  (chromiumPath) => {
    let running: RunningGateway;
    let browser: Browser;
    let page: Page;
    const clients: MqttClient[] = [];

    beforeAll(async () => {
      ensureConsoleBuilt();
      running = await startGateway(
        { openConsole: false, banAfterAuthFailures: 4 },
        { city, consoleDir: CONSOLE_DIR, traffic: { authFailures: 3 } },
      );
      browser = await launchChromium(chromiumPath);
    }, 180_000);

    afterAll(async () => {
      await Promise.all(clients.map((client) => client.endAsync()));
      await page?.close().catch(() => undefined);
      await browser?.close();
      await running?.dispose();
    });

    it('lists a misbehaving address and device live, and lets an admin lift a ban', async () => {
      for (let i = 0; i < 4; i++) {
        await connectFrom(running.mqttUrl, '127.0.0.5', {
          clientId: 'intruder',
          username: 'intruder',
          password: 'guess',
        });
      }
      const password = await addUser(running.dataDir, 'ada', 'admin');
      page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
      await page.goto(running.httpUrl);
      await page.getByLabel('User name').fill('ada');
      await page.getByLabel('Password').fill(password);
      await page.getByRole('button', { name: 'Sign in' }).click();
      await openConsole(browser, running.httpUrl, undefined, { waitForSensors: false, page });

      await page.getByTestId('toggle-security').click();
      const panel = page.getByTestId('security-panel');
      const address = panel.locator('[data-subject="127.0.0.5"]');
      await address.waitFor({ timeout: 15_000 });
      expect(await address.locator('[data-kind="auth_failures"]').count()).toBe(1);
      expect(await address.textContent()).toContain('failed logins from 127.0.0.5');
      expect(await address.textContent()).toContain('banned for');

      // Found while the view is open: it shows up on the next refresh.
      for (const from of ['127.0.0.6', '127.0.0.7']) {
        const client = await connectFrom(running.mqttUrl, from, { clientId: 'twin-7' });
        if (client) clients.push(client);
      }
      const shared = panel.locator('[data-subject="twin-7"]');
      await shared.waitFor({ timeout: 15_000 });
      expect(await shared.textContent()).toContain('from 127.0.0.6, 127.0.0.7');
      await screenshot(page, 'console-security-view');

      await address.getByTestId('lift-ban').click();
      await expect.poll(() => panel.getByTestId('ban-row').count(), { timeout: 10_000 }).toBe(0);
      expect(await address.textContent()).not.toContain('banned for');
    }, 180_000);
  },
);
