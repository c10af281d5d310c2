import { afterAll, beforeAll, expect, it } from 'vitest';
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
import { startGateway, type RunningGateway } from './gateway-harness.ts';
import { addUser } from './harness/sign-in.ts';

const city = createDemoCity({ seed: 4, sensors: 300, buildings: 3000 });

describeWithBinary(
  'chromium',
  'apt-get install -y chromium',
  'signing in to the console in Chromium',
  (chromiumPath) => {
    let running: RunningGateway;
    let browser: Browser;
    const pages: Page[] = [];

    beforeAll(async () => {
      ensureConsoleBuilt();
      running = await startGateway({ openConsole: false }, { city, consoleDir: CONSOLE_DIR });
      browser = await launchChromium(chromiumPath);
    }, 120_000);

    afterAll(async () => {
      for (const page of pages) await page.close().catch(() => undefined);
      await browser?.close();
      await running?.dispose();
    });

    async function loginPage(url: string): Promise<Page> {
      const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
      pages.push(page);
      await page.goto(url);
      await page.getByTestId('login-form').waitFor({ timeout: 30_000 });
      return page;
    }

    async function submit(page: Page, name: string, password: string) {
      await page.getByLabel('User name').fill(name);
      await page.getByLabel('Password').fill(password);
      await page.getByRole('button', { name: 'Sign in' }).click();
    }

    it('signs in through the login screen, shows the city, the user and role, and signs out', async () => {
      const password = await addUser(running.dataDir, 'dana', 'dispatcher');
      const page = await loginPage(running.httpUrl);
      await expect.poll(() => page.locator('.console').count()).toBe(0);

      await submit(page, 'dana', 'not her password');
      await expect
        .poll(() => page.getByTestId('login-problem').textContent())
        .toContain('wrong user name or password');
      await screenshot(page, 'console-login-refused');

      await submit(page, 'dana', password);
      await openConsole(browser, running.httpUrl, undefined, { waitForSensors: false, page });
      await expect.poll(() => page.getByTestId('user-name').textContent()).toBe('dana');
      await expect.poll(() => page.getByTestId('user-role').textContent()).toBe('dispatcher');
      await expect.poll(() => page.getByTestId('breadcrumb').textContent()).toContain('Demo City');
      await screenshot(page, 'console-signed-in');

      // A reload keeps the session (sessionStorage) and goes straight to the city.
      await page.reload();
      await openConsole(browser, running.httpUrl, undefined, { waitForSensors: false, page });

      await page.getByTestId('sign-out').click();
      await page.getByTestId('login-form').waitFor();
      expect(await page.evaluate('sessionStorage.length')).toBe(0);
    }, 120_000);

    it('lets a guest of an open console view, then sign in from the top bar', async () => {
      const open = await startGateway({ openConsole: true }, { city, consoleDir: CONSOLE_DIR });
      try {
        const password = await addUser(open.dataDir, 'fay', 'operator');
        const page = await openConsole(browser, open.httpUrl, undefined, { waitForSensors: false });
        pages.push(page);
        await expect.poll(() => page.getByTestId('user-badge').textContent()).toContain('guest');
        await page.getByTestId('sign-in').click();
        await page.getByTestId('login-form').waitFor();
        await page.getByRole('button', { name: 'Continue as guest (view only)' }).click();
        await openConsole(browser, open.httpUrl, undefined, { waitForSensors: false, page });
        await page.getByTestId('sign-in').click();
        await submit(page, 'fay', password);
        await openConsole(browser, open.httpUrl, undefined, { waitForSensors: false, page });
        await expect.poll(() => page.getByTestId('user-name').textContent()).toBe('fay');
        await expect.poll(() => page.getByTestId('user-role').textContent()).toBe('operator');
        await page.close();
      } finally {
        await open.dispose();
      }
    }, 120_000);

    it('goes back to the login screen with a message when the token expires', async () => {
      const shortLived = await startGateway(
        { openConsole: false, tokenTtlMs: '20s' },
        { city, consoleDir: CONSOLE_DIR },
      );
      try {
        const password = await addUser(shortLived.dataDir, 'eli', 'viewer');
        const page = await loginPage(shortLived.httpUrl);
        await submit(page, 'eli', password);
        await openConsole(browser, shortLived.httpUrl, undefined, { waitForSensors: false, page });
        await page.getByTestId('login-message').waitFor({ timeout: 40_000 });
        expect(await page.getByTestId('login-message').textContent()).toMatch(
          /Your session expired at .+\. Sign in again\./,
        );
        await page.close();
      } finally {
        await shortLived.dispose();
      }
    }, 120_000);
  },
);
