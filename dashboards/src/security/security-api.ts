/** One kind of misbehaviour of a device or an address (`GET /api/security`). */
export interface SecurityKind {
  kind: string;
  count: number;
  firstMs: number;
  lastMs: number;
  score: number;
  explanation: string;
  /** Going on now. */
  now: boolean;
}

export interface SecurityBan {
  key: string;
  type: 'address' | 'client';
  id: string;
  reason: string;
  /** Epoch ms. */
  until: number;
}

export interface SecuritySubject {
  id: string;
  now: boolean;
  lastMs: number;
  kinds: SecurityKind[];
  ban?: SecurityBan;
}

export interface SecurityDevice extends SecuritySubject {
  rate?: {
    msgsPerSec: number;
    usualMsgsPerSec: number;
    bytesPerSec: number;
    usualBytesPerSec: number;
  };
  addresses: string[];
}

export interface SecurityReport {
  nowMs: number;
  devices: SecurityDevice[];
  addresses: SecuritySubject[];
  bans: SecurityBan[];
}

/** A refusal or failure, with the gateway's message. */
export class SecurityApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

type Fetch = (path: string, init?: RequestInit) => Promise<Response>;

async function failure(response: Response): Promise<SecurityApiError> {
  const body = (await response.json().catch(() => ({}))) as { message?: string };
  return new SecurityApiError(response.status, body.message ?? `HTTP ${response.status}`);
}

/** The security routes, through a fetch that signs requests as the current user. */
export function createSecurityApi(fetchSigned: Fetch) {
  return {
    async report(): Promise<SecurityReport> {
      const response = await fetchSigned('/api/security');
      if (!response.ok) throw await failure(response);
      return (await response.json()) as SecurityReport;
    },
    /** Lifts a ban by its key (`address:<ip>` or `client:<id>`). */
    async liftBan(ban: SecurityBan): Promise<void> {
      const id = ban.type === 'client' ? ban.key : ban.id;
      const response = await fetchSigned(`/api/bans/${encodeURIComponent(id)}`, {
        method: 'DELETE',
      });
      if (!response.ok) throw await failure(response);
    },
  };
}

export type SecurityApi = ReturnType<typeof createSecurityApi>;
