import { randomBytes } from 'node:crypto';
import { SensegridError } from '../errors.ts';
import { registryFile } from '../guard/registry-file.ts';
import { SecretCache, hashSecret, verifySecret, type ScryptCost } from '../guard/secrets.ts';
import { ROLES, isRole, type Role } from './roles.ts';

/** One console or API user: the scrypt hash of their password and their role. */
export interface User {
  name: string;
  role: Role;
  hash: string;
  createdAt: number;
  /** Tokens issued before this time no longer work. */
  passwordChangedAt: number;
}

/** A summary without the hash, for lists. */
export type UserInfo = Omit<User, 'hash'>;

/**
 * People choose passwords, so they get a much higher scrypt cost than device secrets
 * (about 16 MiB and tens of milliseconds per login); the cost is stored with each hash.
 */
const PASSWORD_COST: ScryptCost = { N: 16_384, r: 8, p: 1 };
const NAME_PATTERN = /^[A-Za-z0-9_.@-]{1,64}$/;
export const MIN_PASSWORD_CHARS = 8;

export function isUserName(value: unknown): value is string {
  return typeof value === 'string' && NAME_PATTERN.test(value);
}

/** A new password for a person to copy: 18 random bytes, base64url (24 characters). */
export function generatePassword(): string {
  return randomBytes(18).toString('base64url');
}

/**
 * The users registry: `<data-dir>/users.json`, scrypt hashes only. `sensegrid users` edits it;
 * a running gateway reads it again when it changes.
 */
export class UserStore {
  private users = new Map<string, User>();
  private readonly cache = new SecretCache(10_000);
  private loadedMtimeMs = -1;

  constructor(readonly file: string) {
    this.reload();
  }

  /** Reads the file again if it changed; true when it did. */
  reload(): boolean {
    const read = registryFile.readIfChanged<User>(this.file, this.loadedMtimeMs);
    if (read === undefined) return false;
    if (read === 'missing') {
      if (this.users.size === 0 || this.loadedMtimeMs === -1) return false;
      this.users = new Map();
      this.loadedMtimeMs = -1;
      return true;
    }
    const { mtimeMs, entries } = read;
    const next = new Map(entries.map((user) => [user.name, user]));
    for (const [name, user] of this.users) {
      if (next.get(name)?.hash !== user.hash) this.cache.forget(name);
    }
    this.users = next;
    this.loadedMtimeMs = mtimeMs;
    return true;
  }

  get size(): number {
    return this.users.size;
  }

  get(name: string): User | undefined {
    return this.users.get(name);
  }

  list(): UserInfo[] {
    return [...this.users.values()]
      .sort((a, b) => a.name.localeCompare(b.name))
      .map(({ hash: _hash, ...info }) => info);
  }

  /** The user when `password` is theirs; undefined otherwise. */
  async verify(name: string, password: string): Promise<User | undefined> {
    const user = this.users.get(name);
    if (!user) return undefined;
    if (this.cache.matches(name, password)) return user;
    if (!(await verifySecret(password, user.hash))) return undefined;
    if (this.users.get(name)?.hash === user.hash) this.cache.remember(name, password);
    return user;
  }

  async add(name: string, role: Role, password: string, now = Date.now()): Promise<void> {
    if (!isUserName(name)) {
      throw new SensegridError(
        'SENSEGRID_USER_INVALID',
        `"${name}" is not a user name.`,
        'Use 1 to 64 letters, digits and _ . @ -.',
      );
    }
    if (!isRole(role)) {
      throw new SensegridError(
        'SENSEGRID_USER_INVALID',
        `"${String(role)}" is not a role.`,
        `Use one of: ${ROLES.join(', ')}.`,
      );
    }
    if (this.users.has(name)) {
      throw new SensegridError(
        'SENSEGRID_USER_EXISTS',
        `user ${name} exists already.`,
        'Choose another name, or change the password with `sensegrid users passwd`.',
      );
    }
    checkPassword(password);
    const hash = await hashSecret(password, PASSWORD_COST);
    this.users.set(name, { name, role, hash, createdAt: now, passwordChangedAt: now });
    await this.save();
  }

  /** Sets a new password; the user's tokens issued before now stop working. */
  async setPassword(name: string, password: string, now = Date.now()): Promise<void> {
    const user = this.require(name);
    checkPassword(password);
    const hash = await hashSecret(password, PASSWORD_COST);
    this.users.set(name, { ...user, hash, passwordChangedAt: now });
    this.cache.forget(name);
    await this.save();
  }

  async remove(name: string): Promise<void> {
    this.require(name);
    this.users.delete(name);
    this.cache.forget(name);
    await this.save();
  }

  private require(name: string): User {
    const user = this.users.get(name);
    if (!user) {
      throw new SensegridError(
        'SENSEGRID_USER_UNKNOWN',
        `there is no user ${name}.`,
        'List the users with `sensegrid users list`.',
      );
    }
    return user;
  }

  private async save(): Promise<void> {
    this.loadedMtimeMs = await registryFile.write(this.file, [...this.users.values()]);
  }
}

function checkPassword(password: string): void {
  if (password.length < MIN_PASSWORD_CHARS) {
    throw new SensegridError(
      'SENSEGRID_USER_INVALID',
      `the password is shorter than ${MIN_PASSWORD_CHARS} characters.`,
      'Choose a longer one, or let `sensegrid users` generate one.',
    );
  }
}
