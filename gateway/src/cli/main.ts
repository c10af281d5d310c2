import { runCli } from './run.ts';

const code = await runCli(process.argv.slice(2), process.env);
if (code !== undefined) process.exitCode = code;
