import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { NODE_FLAGS, ROOT } from '../bench/child.ts';

const read = (path: string) => readFile(`${ROOT}${path}`, 'utf8');

describe("the gateway's node flags", () => {
  it('are the same wherever it is started and where it is measured', async () => {
    const flags = NODE_FLAGS.join(' ');
    const [shebang] = (await read('bin/sensegrid.mjs')).split('\n');
    expect(shebang).toBe(`#!/usr/bin/env -S node ${flags}`);
    const { scripts } = JSON.parse(await read('package.json')) as {
      scripts: Record<string, string>;
    };
    expect(scripts.start).toBe(`node ${flags} bin/sensegrid.mjs demo`);
    const cmd = /^CMD (.*)$/m.exec(await read('Dockerfile'))?.[1];
    expect(JSON.parse(cmd ?? '[]')).toEqual(['node', ...NODE_FLAGS, 'bin/sensegrid.mjs', 'start']);
  });
});
