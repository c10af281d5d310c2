// One gateway and one Chromium for the console alert tests: a water and an air incident.
import { afterAll, beforeAll, expect } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { CONSOLE_DIR, ensureConsoleBuilt, launchChromium } from './harness/console.ts';
import { signIn, type SignedIn } from './harness/sign-in.ts';
import { connectClient, startGateway, type RunningGateway } from './gateway-harness.ts';
import { burstIn, city, incidentOf, publishBurst, type Summary } from './console-alerts-field.ts';

export const water = burstIn('water', 'pressure_bar', 3.5, 12);
export const air = burstIn('air', 'pm25', 12, 180);
export let running: RunningGateway;
export let browser: Browser;
export let dispatcher: SignedIn;
export let operator: SignedIn;
export let waterIncidents: Summary[];
export let airIncidents: Summary[];

/**
 * Before the file's tests: starts the gateway, signs in a dispatcher and an operator, publishes
 * both bursts, waits for their incidents and launches Chromium. After them: closes it all.
 */
export function useAlertConsole(chromiumPath: string): void {
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
}

/** Signs the console in as `user` through its sign-in form. */
export async function signInConsole(page: Page, user: SignedIn): Promise<void> {
  await page.getByTestId('sign-in').click();
  await page.getByLabel('User name').fill(user.name);
  await page.getByLabel('Password').fill(user.password);
  await page.getByLabel('Password').press('Enter');
  await expect.poll(() => page.getByTestId('user-name').textContent()).toBe(user.name);
  await page.waitForSelector('.console[data-ready="true"] [data-testid="connection"]:text("live")');
}
