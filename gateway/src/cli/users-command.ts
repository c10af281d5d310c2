import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { ROLES, isRole } from '../auth/roles.ts';
import { UserStore, generatePassword } from '../auth/users.ts';
import { SensegridError } from '../errors.ts';

export const USERS_USAGE = `sensegrid users add <name> --role <${ROLES.join('|')}> [--password-stdin]
sensegrid users passwd <name> [--password-stdin]
sensegrid users remove <name>
sensegrid users list

Console and API users in <data-dir>/users.json (scrypt hashes). Without --password-stdin a
password is generated and printed once. A running gateway picks changes up within a second;
a new password or a removed user ends that user's tokens and consoles.

  --data-dir <dir>   the gateway's data folder (SENSEGRID_DATA_DIR, default ./data)`;

interface UsersIo {
  stdin: NodeJS.ReadableStream;
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
}

export async function runUsersCommand(
  argv: string[],
  env: NodeJS.ProcessEnv,
  io: UsersIo,
): Promise<number> {
  const { values, positionals } = parseUsersArgs(argv);
  const [action, name] = positionals;
  if (values.help || action === undefined) {
    io.stdout.write(`${USERS_USAGE}\n`);
    return values.help ? 0 : 2;
  }
  const dataDir = resolve(values['data-dir'] ?? env.SENSEGRID_DATA_DIR ?? './data');
  const users = new UserStore(join(dataDir, 'users.json'));
  if (action === 'list') {
    io.stdout.write('name,role,created,password changed\n');
    for (const user of users.list()) {
      const at = (ms: number) => new Date(ms).toISOString();
      io.stdout.write(
        `${user.name},${user.role},${at(user.createdAt)},${at(user.passwordChangedAt)}\n`,
      );
    }
    return 0;
  }
  if (!['add', 'passwd', 'remove'].includes(action)) usage(`unknown action "${action}"`);
  if (name === undefined) usage(`name the user to ${action}`);
  if (action === 'remove') {
    await users.remove(name);
    io.stderr.write(`removed ${name}; their tokens and consoles end now\n`);
    return 0;
  }
  const given = values['password-stdin'] ? await readPassword(io.stdin) : undefined;
  const password = given ?? generatePassword();
  if (action === 'add') {
    const role = values.role;
    if (!isRole(role)) usage(`--role must be one of ${ROLES.join(', ')}`);
    await users.add(name, role, password);
    io.stderr.write(`added ${name} (${role})\n`);
  } else {
    await users.setPassword(name, password);
    io.stderr.write(`new password for ${name}; their earlier tokens no longer work\n`);
  }
  if (given === undefined) {
    io.stderr.write('password (shown only this once):\n');
    io.stdout.write(`${password}\n`);
  }
  return 0;
}

function usage(problem: string): never {
  throw new SensegridError('SENSEGRID_CLI_USAGE', `${problem}.`, `\n${USERS_USAGE}`);
}

/** The first line of stdin, without its line ending. */
async function readPassword(stdin: NodeJS.ReadableStream): Promise<string> {
  let text = '';
  for await (const chunk of stdin) {
    text += String(chunk);
    if (text.includes('\n')) break;
  }
  const password = text.split(/\r?\n/, 1)[0] ?? '';
  if (password === '') usage('--password-stdin read an empty password');
  return password;
}

function parseUsersArgs(argv: string[]) {
  try {
    return parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        role: { type: 'string' },
        'password-stdin': { type: 'boolean' },
        'data-dir': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (error) {
    usage((error as Error).message.split('\n')[0]!);
  }
}
