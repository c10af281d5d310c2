import { runCli } from './run.ts';

// A closed stdout (the reader of a pipe went away) must not take the gateway down.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EPIPE') throw error;
  });
}

const code = await runCli(process.argv.slice(2), process.env);
if (code !== undefined) process.exitCode = code;
