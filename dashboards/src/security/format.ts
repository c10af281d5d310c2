const KIND_NAMES: Record<string, string> = {
  flood: 'flood',
  silence: 'silent',
  new_topic: 'new topic',
  oversized: 'oversized',
  auth_failures: 'failed logins',
  churn: 'reconnects',
  shared_id: 'shared id',
};

/** A short name of a finding kind. */
export function kindName(kind: string): string {
  return KIND_NAMES[kind] ?? kind.replace(/_/g, ' ');
}

/** `12 s ago`, `4 min ago`, `2 h ago`. */
export function ago(ms: number, nowMs: number): string {
  const s = Math.max(0, Math.round((nowMs - ms) / 1000));
  if (s < 60) return `${s} s ago`;
  if (s < 3600) return `${Math.round(s / 60)} min ago`;
  return `${Math.round(s / 3600)} h ago`;
}

/** A rate per second with sensible digits. */
export function perSecond(value: number): string {
  if (value >= 100) return Math.round(value).toLocaleString('en');
  if (value >= 1) return value.toFixed(1);
  return value.toFixed(2);
}
