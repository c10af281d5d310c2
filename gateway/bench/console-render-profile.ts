import { startChild } from './child.ts';
import { findBinary } from '../test/harness/binaries.ts';
import { ensureConsoleBuilt, launchChromium, openConsole } from '../test/harness/console.ts';

// node bin/run-ts.mjs gateway/bench/console-render-profile.ts — where the console's render time
// goes under SwiftShader: one full render of the city, then the same render with each part of
// the scene hidden in turn. Every render ends with a 1-pixel readPixels, which waits for the
// GPU (here: the CPU rasteriser) to finish, so the times are drawing times, not queueing times.
const BUILDINGS = Number(process.env.BENCH_BUILDINGS ?? 20_000);
const SENSORS = Number(process.env.BENCH_SENSORS ?? 10_000);
const REPS = Number(process.env.BENCH_REPS ?? 8);
const [WIDTH, HEIGHT] = (process.env.BENCH_VIEWPORT ?? '1440x900').split('x').map(Number) as [
  number,
  number,
];

interface ProfileResult {
  full: number;
  without: Record<string, number>;
  triangles: number;
  calls: number;
}

/** Runs in the page: the median render time of the scene, whole and with each part hidden. */
const PROFILE_IN_PAGE = `(reps) => {
  const { renderer, scene, camera } = globalThis.__sensegrid;
  const gl = renderer.getContext();
  const pixel = new Uint8Array(4);
  const time = () => {
    const samples = [];
    for (let i = 0; i < reps; i++) {
      const t0 = performance.now();
      renderer.render(scene, camera);
      gl.readPixels(0, 0, 1, 1, gl.RGBA, gl.UNSIGNED_BYTE, pixel);
      samples.push(performance.now() - t0);
    }
    samples.sort((a, b) => a - b);
    return samples[Math.floor(samples.length / 2)];
  };
  time();
  const full = time();
  const { triangles, calls } = renderer.info.render;
  const parts = [];
  const walk = (o) => {
    for (const c of o.children) {
      if (c.type === 'Group') walk(c);
      else parts.push(c);
    }
  };
  walk(scene);
  const without = {};
  for (const part of parts) {
    if (!part.visible) continue;
    part.visible = false;
    without[part.name || part.type] = time();
    part.visible = true;
  }
  return { full, without, triangles, calls };
}`;

async function main() {
  const chromium = findBinary('chromium');
  if (!chromium) {
    console.error('the render profile needs Chromium: apt-get install -y chromium');
    process.exit(2);
  }
  ensureConsoleBuilt();
  const child = await startChild(['bin/run-ts.mjs', 'gateway/bench/console-gateway.ts'], {
    BENCH_BUILDINGS: String(BUILDINGS),
    BENCH_SENSORS: String(SENSORS),
  });
  process.once('exit', () => child.process.kill('SIGTERM'));
  const browser = await launchChromium(chromium);
  try {
    const page = await openConsole(browser, `http://127.0.0.1:${child.ready.httpPort}`, {
      width: WIDTH,
      height: HEIGHT,
    });
    await page.waitForTimeout(1500);
    // A string, not a function: the TypeScript loader would add helpers the page does not have.
    const result = (await page.evaluate(`(${PROFILE_IN_PAGE})(${REPS})`)) as ProfileResult;
    console.log(
      `render of ${BUILDINGS} buildings and ${SENSORS} sensors at ${WIDTH}x${HEIGHT}: ` +
        `${result.full.toFixed(1)} ms (p50 of ${REPS}), ${result.calls} draw calls, ${result.triangles} triangles`,
    );
    for (const [name, ms] of Object.entries(result.without)) {
      console.log(
        `  without ${name.padEnd(18)} ${ms.toFixed(1).padStart(7)} ms  (its share ${(result.full - ms).toFixed(1)} ms)`,
      );
    }
    await page.close();
  } finally {
    await browser.close();
    await child.stop();
  }
}

await main();
