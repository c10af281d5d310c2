import { isSensegridError } from '../errors.ts';
import { runGatewayCommand } from './gateway-command.ts';

const USAGE = `sensegrid <command> [flags]

Commands:
  start    the gateway: MQTT broker, HTTP API, console
  demo     start, plus a simulated city publishing into it (what \`npm start\` runs)
  sim      simulated devices publishing to a broker
  provision  create, rotate and revoke device credentials
  users    add, list and remove console and API users; set their passwords
  record   write what arrives on a broker to a recording file
  replay   publish a recording to a broker at a chosen speed
  export   write stored readings of a time range as a recording
  detect   run the streaming anomaly detector over a timestamp,value CSV (file or stdin)

Run \`sensegrid <command> --help\` for a command's flags.`;

/** Runs one CLI command; resolves with the exit code (undefined: keep running until signalled). */
export async function runCli(argv: string[], env: NodeJS.ProcessEnv): Promise<number | undefined> {
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case 'start':
      case 'demo':
        return await runGatewayCommand(command, rest, env);
      case 'provision': {
        const { runProvisionCommand } = await import('./provision-command.ts');
        return await runProvisionCommand(rest, env, {
          stdout: process.stdout,
          stderr: process.stderr,
        });
      }
      case 'users': {
        const { runUsersCommand } = await import('./users-command.ts');
        return await runUsersCommand(rest, env, {
          stdin: process.stdin,
          stdout: process.stdout,
          stderr: process.stderr,
        });
      }
      case 'export': {
        const { runExportCommand } = await import('./export-command.ts');
        return await runExportCommand(rest, env, {
          stdout: process.stdout,
          stderr: process.stderr,
        });
      }
      case 'record':
      case 'replay': {
        const sim = await import('@sensegrid/firmware-sim');
        const controller = new AbortController();
        const abort = () => controller.abort();
        process.once('SIGINT', abort);
        process.once('SIGTERM', abort);
        const io = { stdout: process.stdout, stderr: process.stderr, signal: controller.signal };
        return command === 'record'
          ? await sim.runRecordCommand(rest, io)
          : await sim.runReplayCommand(rest, io);
      }
      case 'sim': {
        const { runSimCommand } = await import('@sensegrid/firmware-sim');
        const controller = new AbortController();
        const abort = () => controller.abort();
        process.once('SIGINT', abort);
        process.once('SIGTERM', abort);
        return await runSimCommand(rest, {
          stdout: process.stdout,
          stderr: process.stderr,
          signal: controller.signal,
        });
      }
      case 'detect': {
        const { runDetectCommand } = await import('../detect/detect-command.ts');
        return await runDetectCommand(rest, {
          stdin: process.stdin,
          stdout: process.stdout,
          stderr: process.stderr,
        });
      }
      case undefined:
      case '--help':
      case '-h':
      case 'help':
        console.log(USAGE);
        return command === undefined ? 2 : 0;
      default:
        console.error(`sensegrid: unknown command "${command}".\n\n${USAGE}`);
        return 2;
    }
  } catch (error) {
    if (isSensegridError(error)) {
      console.error(error.message);
      return 2;
    }
    throw error;
  }
}
