import { join } from 'node:path';
import type { Role } from '../../src/auth/roles.ts';
import { UserStore, generatePassword } from '../../src/auth/users.ts';

export interface SignedIn {
  name: string;
  role: Role;
  password: string;
  token: string;
  expiresAt: number;
  /** `{ authorization: 'Bearer <token>' }` for fetch. */
  headers: Record<string, string>;
}

const stores = new Map<string, UserStore>();
const pending = new Map<string, Promise<unknown>>();

/** Adds a user to a gateway's data folder (once per name), as `sensegrid users add` does. */
export async function addUser(dataDir: string, name: string, role: Role): Promise<string> {
  const store = stores.get(dataDir) ?? new UserStore(join(dataDir, 'users.json'));
  stores.set(dataDir, store);
  const password = generatePassword();
  // One writer at a time per folder, so parallel sign-ins do not overwrite each other.
  const previous = pending.get(dataDir) ?? Promise.resolve();
  const added = previous.then(async () => {
    store.reload();
    if (store.get(name)) await store.setPassword(name, password);
    else await store.add(name, role, password);
  });
  pending.set(
    dataDir,
    added.catch(() => undefined),
  );
  await added;
  return password;
}

/**
 * Creates a user with `role` (named after the role unless `name` is given) in a running
 * gateway's data folder and signs in through `POST /api/login`.
 */
export async function signIn(
  gateway: { dataDir: string; httpUrl: string },
  role: Role = 'admin',
  name: string = role,
): Promise<SignedIn> {
  const password = await addUser(gateway.dataDir, name, role);
  const response = await fetch(`${gateway.httpUrl}/api/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ name, password }),
  });
  if (!response.ok) throw new Error(`sign-in as ${name} failed: ${await response.text()}`);
  const body = (await response.json()) as { token: string; expiresAt: number; role: Role };
  return {
    name,
    role: body.role,
    password,
    token: body.token,
    expiresAt: body.expiresAt,
    headers: { authorization: `Bearer ${body.token}` },
  };
}
