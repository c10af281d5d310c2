import { isDeviceId } from '@sensegrid/twin';
import { SensegridError } from '../errors.ts';
import { registryFile } from './registry-file.ts';
import { SecretCache, generateSecret, hashSecret, verifySecret } from './secrets.ts';

/** One provisioned device: its secret's hash and what it was provisioned with. */
export interface DeviceCredential {
  id: string;
  hash: string;
  createdAt: number;
  rotatedAt?: number;
  revokedAt?: number;
  kind?: string;
  lat?: number;
  lon?: number;
}

const HASH_PARALLELISM = 8;

export type ProvisionEntry = Pick<DeviceCredential, 'id' | 'kind' | 'lat' | 'lon'>;

/**
 * The device credential registry: a JSON file of scrypt hashes in the data folder. Secrets
 * are shown once, when created or rotated, and never stored.
 */
export class CredentialStore {
  private devices = new Map<string, DeviceCredential>();
  private readonly cache = new SecretCache();
  private loadedMtimeMs = -1;

  constructor(readonly file: string) {
    this.reload();
  }

  /** Reads the file again if it changed (another process provisioned or revoked). */
  reload(): boolean {
    const read = registryFile.readIfChanged<DeviceCredential>(this.file, this.loadedMtimeMs);
    if (read === undefined || read === 'missing') return false;
    const { mtimeMs, entries } = read;
    const next = new Map(entries.map((device) => [device.id, device]));
    for (const [id, device] of next) {
      const before = this.devices.get(id);
      if (!before || before.hash !== device.hash || device.revokedAt) this.cache.forget(id);
    }
    this.devices = next;
    this.loadedMtimeMs = mtimeMs;
    return true;
  }

  get size(): number {
    return this.devices.size;
  }

  get(id: string): DeviceCredential | undefined {
    return this.devices.get(id);
  }

  /** Every provisioned device id, sorted. */
  ids(): string[] {
    return [...this.devices.keys()].sort();
  }

  /** Revoked device ids. */
  revoked(): string[] {
    return [...this.devices.values()].filter((d) => d.revokedAt).map((d) => d.id);
  }

  /** True when `secret` is the current secret of an active device. */
  async verify(id: string, secret: string): Promise<boolean> {
    const device = this.devices.get(id);
    if (!device || device.revokedAt) return false;
    if (this.cache.matches(id, secret)) return true;
    const ok = await verifySecret(secret, device.hash);
    if (ok && this.devices.get(id)?.hash === device.hash) this.cache.remember(id, secret);
    return ok;
  }

  /** Creates devices; returns each new device's secret. Existing ids are an error. */
  async provision(
    entries: readonly ProvisionEntry[],
    now = Date.now(),
    onProgress?: (done: number) => void,
  ): Promise<Map<string, string>> {
    const problems: string[] = [];
    const seen = new Set<string>();
    for (const entry of entries) {
      if (!isDeviceId(entry.id))
        problems.push(`"${entry.id}" is not a device id ([A-Za-z0-9_.:-]{1,64})`);
      else if (this.devices.has(entry.id))
        problems.push(`${entry.id} is already provisioned (rotate it instead)`);
      else if (seen.has(entry.id)) problems.push(`${entry.id} appears twice`);
      seen.add(entry.id);
    }
    if (problems.length > 0) {
      throw new SensegridError(
        'SENSEGRID_PROVISION_INVALID',
        `nothing was provisioned:\n  - ${problems.slice(0, 20).join('\n  - ')}${problems.length > 20 ? `\n  (and ${problems.length - 20} more)` : ''}`,
        '\nFix the list and run again.',
      );
    }
    const secrets = new Map<string, string>();
    // scrypt runs on libuv's thread pool: hash a few at a time to use every core.
    for (let at = 0; at < entries.length; at += HASH_PARALLELISM) {
      const chunk = entries.slice(at, at + HASH_PARALLELISM);
      const hashed = await Promise.all(
        chunk.map(async (entry) => {
          const secret = generateSecret();
          return { entry, secret, hash: await hashSecret(secret) };
        }),
      );
      for (const { entry, secret, hash } of hashed) {
        secrets.set(entry.id, secret);
        this.devices.set(entry.id, { ...entry, hash, createdAt: now });
      }
      onProgress?.(Math.min(entries.length, at + HASH_PARALLELISM));
    }
    await this.save();
    return secrets;
  }

  /** Gives a device a new secret (the old one stops working) and returns it. */
  async rotate(id: string, now = Date.now()): Promise<string> {
    const device = this.require(id);
    const secret = generateSecret();
    this.devices.set(id, {
      ...device,
      hash: await hashSecret(secret),
      rotatedAt: now,
      revokedAt: undefined,
    });
    this.cache.forget(id);
    await this.save();
    return secret;
  }

  /** The device can no longer connect; a connected one is disconnected by the gateway. */
  async revoke(id: string, now = Date.now()): Promise<void> {
    const device = this.require(id);
    this.devices.set(id, { ...device, revokedAt: now });
    this.cache.forget(id);
    await this.save();
  }

  private require(id: string): DeviceCredential {
    const device = this.devices.get(id);
    if (!device) {
      throw new SensegridError(
        'SENSEGRID_DEVICE_UNKNOWN',
        `device ${id} is not provisioned.`,
        'Provision it first: sensegrid provision <devices.csv>.',
      );
    }
    return device;
  }

  private async save(): Promise<void> {
    this.loadedMtimeMs = await registryFile.write(this.file, [...this.devices.values()]);
  }
}
