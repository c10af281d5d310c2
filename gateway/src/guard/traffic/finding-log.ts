/** What the traffic monitor found about one device or one address, per kind. */
export interface KindRecord {
  kind: TrafficKind;
  /** Times it was found. */
  count: number;
  firstMs: number;
  lastMs: number;
  /** When it was last raised as a signal. */
  raisedMs: number;
  score: number;
  explanation: string;
  /** An episode (flood, silence) that is still going on. */
  active: boolean;
}

export type TrafficKind =
  'flood' | 'silence' | 'new_topic' | 'oversized' | 'auth_failures' | 'churn' | 'shared_id';

/** Kinds that last until they end (and then raise a clearing signal); the rest are events. */
const EPISODES: ReadonlySet<TrafficKind> = new Set(['flood', 'silence']);

export interface FindingSubject {
  type: 'device' | 'address';
  id: string;
}

export interface SubjectRecord extends FindingSubject {
  kinds: Map<TrafficKind, KindRecord>;
  lastMs: number;
}

/**
 * The findings of the recent past, per device and per address, bounded in memory: a subject
 * not found again within `recentMs` is forgotten, and past `maxSubjects` the oldest is.
 */
export class FindingLog {
  private readonly subjects = new Map<string, SubjectRecord>();

  constructor(
    private readonly recentMs: number,
    private readonly maxSubjects: number,
  ) {}

  /**
   * Notes a finding; returns true when it should be raised: the first of its kind, a new
   * episode, or a repeat at least `repeatMs` after the last one raised.
   */
  note(
    subject: FindingSubject,
    kind: TrafficKind,
    nowMs: number,
    finding: { score: number; explanation: string },
    repeatMs: number,
  ): boolean {
    const record = this.subjectRecord(subject, nowMs);
    const episode = EPISODES.has(kind);
    let entry = record.kinds.get(kind);
    const raise = !entry || (episode && !entry.active) || nowMs - entry.raisedMs >= repeatMs;
    if (!entry) {
      entry = {
        kind,
        count: 0,
        firstMs: nowMs,
        lastMs: nowMs,
        raisedMs: nowMs,
        score: 0,
        explanation: '',
        active: false,
      };
      record.kinds.set(kind, entry);
    }
    if (raise) entry.raisedMs = nowMs;
    entry.count++;
    entry.lastMs = nowMs;
    entry.score = finding.score;
    entry.explanation = finding.explanation;
    entry.active = episode;
    return raise;
  }

  /** Ends an episode; returns true when one was going on (a clearing signal is due). */
  end(subject: FindingSubject, kind: TrafficKind, nowMs: number): boolean {
    const record = this.subjects.get(keyOf(subject));
    const entry = record?.kinds.get(kind);
    if (!record || !entry?.active) return false;
    entry.active = false;
    entry.lastMs = record.lastMs = nowMs;
    return true;
  }

  /** Subjects with a finding within `recentMs` of `nowMs`, most recent first. */
  recent(nowMs: number): SubjectRecord[] {
    this.forgetOld(nowMs);
    return [...this.subjects.values()].sort((a, b) => b.lastMs - a.lastMs);
  }

  forgetOld(nowMs: number): void {
    for (const [key, record] of this.subjects) {
      const episodeGoingOn = [...record.kinds.values()].some(
        (k) => k.active && EPISODES.has(k.kind),
      );
      if (nowMs - record.lastMs > this.recentMs && !episodeGoingOn) this.subjects.delete(key);
    }
  }

  private subjectRecord(subject: FindingSubject, nowMs: number): SubjectRecord {
    const key = keyOf(subject);
    let record = this.subjects.get(key);
    if (!record) {
      if (this.subjects.size >= this.maxSubjects) {
        const oldest = this.subjects.keys().next().value;
        if (oldest !== undefined) this.subjects.delete(oldest);
      }
      record = { ...subject, kinds: new Map(), lastMs: nowMs };
      this.subjects.set(key, record);
    }
    record.lastMs = nowMs;
    return record;
  }
}

function keyOf(subject: FindingSubject): string {
  return `${subject.type}:${subject.id}`;
}
