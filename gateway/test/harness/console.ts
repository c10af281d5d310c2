import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
export const CONSOLE_DIR = join(ROOT, 'dashboards/dist');
export const ARTIFACTS_DIR = join(ROOT, 'test-artifacts');

/** Chromium flags for a headless run on a shared machine, with WebGL 2 through SwiftShader. */
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--use-angle=swiftshader',
  '--enable-unsafe-swiftshader',
  '--ignore-gpu-blocklist',
];

/** Builds the console with Vite when dist/ is missing or older than any of its sources. */
export function ensureConsoleBuilt(): void {
  const dashboards = join(ROOT, 'dashboards');
  const built = join(CONSOLE_DIR, 'index.html');
  const newest = Math.max(
    ...[join(dashboards, 'src'), join(ROOT, 'twin/src')].flatMap((dir) => newestMtimes(dir)),
    statSync(join(dashboards, 'index.html')).mtimeMs,
  );
  if (existsSync(built) && statSync(built).mtimeMs >= newest) return;
  const result = spawnSync(
    process.execPath,
    [join(ROOT, 'node_modules/vite/bin/vite.js'), 'build'],
    {
      cwd: dashboards,
      encoding: 'utf8',
    },
  );
  if (result.status !== 0)
    throw new Error(`building the console failed:\n${result.stdout}\n${result.stderr}`);
}

function newestMtimes(dir: string): number[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    return entry.isDirectory() ? newestMtimes(path) : [statSync(path).mtimeMs];
  });
}

export function launchChromium(executablePath: string): Promise<Browser> {
  return chromium.launch({ executablePath, args: CHROMIUM_ARGS, headless: true });
}

/**
 * Opens the console and waits until the city is drawn and the live feed is connected. With
 * `page`, waits for that page (e.g. one that has just signed in) instead of opening one.
 */
export async function openConsole(
  browser: Browser,
  url: string,
  viewport = { width: 1440, height: 900 },
  { waitForSensors = true, page: given }: { waitForSensors?: boolean; page?: Page } = {},
): Promise<Page> {
  const page = given ?? (await browser.newPage({ viewport }));
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  if (!given) await page.goto(url);
  try {
    await page.waitForSelector('.console[data-ready="true"] canvas', { timeout: 30_000 });
    await page.waitForSelector('[data-testid="connection"]:text("live")', { timeout: 15_000 });
    if (waitForSensors)
      await page.waitForFunction(
        () => {
          const hooks = (
            globalThis as unknown as { __sensegrid?: { visibleSensors(): Record<string, number> } }
          ).__sensegrid;
          return hooks && Object.keys(hooks.visibleSensors()).length > 0;
        },
        undefined,
        { timeout: 15_000 },
      );
  } catch (error) {
    throw new Error(
      `the console did not load: ${(error as Error).message}\npage errors: ${errors.join('\n') || 'none'}`,
    );
  }
  return page;
}

/** Saves a screenshot under test-artifacts/ and returns its path. */
export async function screenshot(page: Page, name: string): Promise<string> {
  const path = join(ARTIFACTS_DIR, `${name}.png`);
  mkdirSync(dirname(path), { recursive: true });
  await page.screenshot({ path });
  return path;
}
