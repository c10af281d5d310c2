import { join } from 'node:path';
import type { Logger } from 'pino';
import { UserStore, generatePassword } from './users.ts';

/**
 * With no users yet: `demo` creates `admin` with a generated password and logs it once, so
 * the console works with no set-up; `start` says how to create the first user.
 */
export async function ensureFirstUser(
  dataDir: string,
  log: Logger,
  { createAdmin }: { createAdmin: boolean },
): Promise<void> {
  const users = new UserStore(join(dataDir, 'users.json'));
  if (users.size > 0) return;
  if (!createAdmin) {
    log.warn(
      'no console users yet: the API and the console need a signed-in user. Create one with `sensegrid users add <name> --role admin`',
    );
    return;
  }
  const password = generatePassword();
  await users.add('admin', 'admin', password);
  log.warn(
    { user: 'admin', password },
    'created the console user admin; sign in with this password (shown only this once; change it with `sensegrid users passwd admin`)',
  );
}
