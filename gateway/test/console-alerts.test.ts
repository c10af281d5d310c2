import { expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { describeWithBinary } from './harness/binaries.ts';
import { openConsole, screenshot } from './harness/console.ts';
import {
  air,
  airIncidents,
  browser,
  dispatcher,
  running,
  signInConsole,
  useAlertConsole,
  water,
  waterIncidents,
} from './console-alerts-setup.ts';

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
    useAlertConsole(chromiumPath);

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
  },
);
