import { useEffect, useState } from 'react';
import { getJson } from '../api.ts';

/** An incident on the timeline: where it opened and how bad it is. */
export interface TimelineMark {
  id: string;
  at: number;
  severity: string;
  title: string;
}

interface AlertListing {
  alerts: { id: string; openedAt: number; severity: string; title: string }[];
}

/** Incidents opened between `from` and `to`, refreshed every half minute. */
export function useTimelineMarks(from: number, to: number): TimelineMark[] {
  const [marks, setMarks] = useState<TimelineMark[]>([]);
  const bucket = Math.floor(to / 30_000);
  useEffect(() => {
    let cancelled = false;
    getJson<AlertListing>('/api/alerts?limit=500').then(
      ({ alerts }) => {
        if (cancelled) return;
        setMarks(
          alerts
            .filter((a) => a.openedAt >= from && a.openedAt <= to)
            .map((a) => ({ id: a.id, at: a.openedAt, severity: a.severity, title: a.title })),
        );
      },
      () => undefined, // no alerts to mark (none yet, or not allowed to read them)
    );
    return () => {
      cancelled = true;
    };
    // Refetched per bucket of time, not on every clock tick.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [bucket, from - (from % 30_000)]);
  return marks;
}
