export interface ConnectionGuardOptions {
  /** New connections per second one address may open (after a burst of twice that); 0: no limit. */
  connectsPerSecondPerAddress: number;
  /** Failed logins from one address within a minute that get it banned; 0: never. */
  authFailuresToBan: number;
  /** Connections of one client id within a minute that get it banned as flapping; 0: never. */
  reconnectsToBan: number;
  /** How long a ban lasts. */
  banMs: number;
  now?: () => number;
}

export interface Ban {
  /** `address:<ip>` or `client:<id>`. */
  key: string;
  reason: string;
  until: number;
}

interface Window {
  count: number;
  startedAt: number;
}

const WINDOW_MS = 60_000;

/**
 * Per-address connection rate limits and bans: an address that fails to log in again and
 * again, or a client id that connects again and again (a flapping device, or two devices
 * fighting over one id), is refused for a while. Refusals are counted by the caller.
 */
export class ConnectionGuard {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();
  private readonly failures = new Map<string, Window>();
  private readonly connects = new Map<string, Window>();
  private readonly banned = new Map<string, Ban>();
  private readonly now: () => number;

  constructor(private readonly options: ConnectionGuardOptions) {
    this.now = options.now ?? Date.now;
  }

  /** Whether a new connection from `address` may proceed; the reason when not. */
  admit(address: string | undefined): string | undefined {
    if (address === undefined) return undefined;
    const ban = this.activeBan(`address:${address}`);
    if (ban) return `address banned: ${ban.reason}`;
    const rate = this.options.connectsPerSecondPerAddress;
    if (rate <= 0) return undefined;
    const now = this.now();
    const bucket = this.buckets.get(address) ?? { tokens: rate * 2, at: now };
    bucket.tokens = Math.min(rate * 2, bucket.tokens + ((now - bucket.at) / 1000) * rate);
    bucket.at = now;
    this.buckets.set(address, bucket);
    if (bucket.tokens < 1) return `more than ${rate} new connections per second from ${address}`;
    bucket.tokens -= 1;
    if (this.buckets.size > 100_000) this.buckets.clear();
    return undefined;
  }

  /** A failed login from `address`; returns the ban it caused, if any. */
  authFailed(address: string | undefined): Ban | undefined {
    if (address === undefined || this.options.authFailuresToBan <= 0) return undefined;
    const count = this.count(this.failures, address);
    if (count < this.options.authFailuresToBan) return undefined;
    return this.ban(`address:${address}`, `${count} failed logins within a minute`);
  }

  /** A client connected; returns the ban when it is flapping. */
  connected(clientId: string): Ban | undefined {
    if (this.options.reconnectsToBan <= 0) return undefined;
    const count = this.count(this.connects, clientId);
    if (count < this.options.reconnectsToBan) return undefined;
    return this.ban(`client:${clientId}`, `${count} connections within a minute (flapping)`);
  }

  /** The ban on a client id, if one is in force. */
  clientBan(clientId: string): Ban | undefined {
    return this.activeBan(`client:${clientId}`);
  }

  /**
   * Lifts a ban (`address:<ip>` or `client:<id>`) and forgets the failures or connections
   * that led to it; returns whether one was in force.
   */
  unban(key: string): boolean {
    const lifted = this.activeBan(key) !== undefined;
    this.banned.delete(key);
    if (key.startsWith('address:')) this.failures.delete(key.slice('address:'.length));
    if (key.startsWith('client:')) this.connects.delete(key.slice('client:'.length));
    return lifted;
  }

  bans(): Ban[] {
    return [...this.banned.keys()].map((key) => this.activeBan(key)).filter((b): b is Ban => !!b);
  }

  private count(windows: Map<string, Window>, key: string): number {
    const now = this.now();
    let window = windows.get(key);
    if (!window || now - window.startedAt > WINDOW_MS) {
      window = { count: 0, startedAt: now };
      windows.set(key, window);
      if (windows.size > 100_000) windows.clear();
    }
    return ++window.count;
  }

  private ban(key: string, reason: string): Ban {
    const ban = { key, reason, until: this.now() + this.options.banMs };
    this.banned.set(key, ban);
    return ban;
  }

  private activeBan(key: string): Ban | undefined {
    const ban = this.banned.get(key);
    if (ban && ban.until <= this.now()) {
      this.banned.delete(key);
      return undefined;
    }
    return ban;
  }
}
