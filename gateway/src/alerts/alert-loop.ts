import type { Logger } from 'pino';
import type { Counter, Gauge } from 'prom-client';
import type { Operator } from '../auth/roles.ts';
import type { AlertPoint } from '../store/port.ts';
import type { TwinState } from '../twin-state/twin-state.ts';
import { openAlertDb, type AlertDb } from './alert-db.ts';
import { evaluate, type EvaluationGrouping } from './evaluation.ts';
import { IncidentBook, SYSTEM_NAME, type AlertChange } from './incident-book.ts';
import { isOpenState, type Alert, type PersonAction } from './model.ts';
import { ADMIN_SYSTEM, createSignalPlacer, regionName } from './placement.ts';
import type { AlertRules } from './rules.ts';
import type { Signal } from './signal.ts';
import { detailOf, summaryOf, type AlertDetail, type AlertSummary } from './summary.ts';
import { needsEscalation } from './workflow.ts';
import { AlertRollups } from './alert-rollups.ts';
import { createPointWriter, pointOf, type PointWriter } from './point-writer.ts';
import { filterAlerts, type AlertFilter, stateAt } from './alert-query.ts';
import { expiredAlertIds } from './alert-retention.ts';

/** The MQTT topic every alert change is published on, as `{ "alert": AlertSummary }`. */
export const ALERTS_TOPIC = '$twin/alerts';

/**
 * Signal time may run at most this far ahead of the wall clock: a device whose clock is
 * years ahead would otherwise resolve every open alert. Replays of the past are unaffected.
 */
export const MAX_CLOCK_AHEAD_MS = 10 * 60_000;

export interface AlertLoopMetrics {
  falseAlarms: Counter<'layer' | 'kind'>;
  alertSignals: Counter<'outcome'>;
  alertEscalations: Counter<'severity'>;
  alertsOpen: Gauge<'severity'>;
}

export interface AlertLoopOptions {
  /** The SQLite file of the workflow state (`<dataDir>/alerts.db`). */
  dbPath: string;
  rules: AlertRules;
  twin: TwinState;
  log: Logger;
  metrics?: AlertLoopMetrics;
  /** Where alert points go for charts (the reading store). */
  store?: { writeAlertPoints(points: readonly AlertPoint[]): Promise<void> };
  /** Wall clock for people's actions and SLA checks. */
  now?: () => number;
  /** How often overdue steps are looked for, in ms. 10,000 by default. */
  escalationCheckMs?: number;
}

export interface PersonRequest {
  action: PersonAction;
  operator: Operator;
  note?: string;
  department?: string;
  rating?: number;
  comment?: string;
}

export type ActOutcome =
  | { ok: true; alert: AlertDetail }
  | { ok: false; refusal: 'not_found' | 'forbidden' | 'invalid_transition'; message: string };

/**
 * The alert loop: signals in, incidents out. Each change is written through to SQLite in one
 * transaction, then published on `$twin/alerts`, counted in the twin's rollups and written to
 * the store as a point. Signal handling is synchronous, so concurrent findings never race.
 */
export class AlertLoop {
  readonly book: IncidentBook;
  private readonly db: AlertDb;
  private readonly now: () => number;
  private readonly rollups: AlertRollups;
  private readonly points: PointWriter;
  private readonly listeners = new Set<(summary: AlertSummary) => void>();
  private publisher: ((topic: string, payload: Buffer) => void) | undefined;
  private timer: NodeJS.Timeout | undefined;
  /** Changes of signals in this tick, written in one transaction at its end. */
  private pending: AlertChange[] = [];
  private pendingPoints: AlertPoint[] = [];
  private flushQueued = false;

  constructor(private readonly options: AlertLoopOptions) {
    this.now = options.now ?? Date.now;
    const twin = options.twin;
    this.book = new IncidentBook(options.rules, createSignalPlacer(twin), (id) =>
      regionName(twin, id),
    );
    this.db = openAlertDb(options.dbPath);
    const loaded = this.db.load();
    this.book.restore(loaded.alerts, loaded.state);
    this.rollups = new AlertRollups(twin, options.metrics?.alertsOpen);
    for (const alert of this.book.alerts.values()) this.rollups.sync(alert);
    this.points = createPointWriter(options.store, options.log);
  }

  /** Takes one signal (the gateway's signal hub calls this). */
  readonly onSignal = (signal: Signal): void => {
    try {
      const { outcome, changes } = this.book.absorb(signal, this.now() + MAX_CLOCK_AHEAD_MS);
      this.options.metrics?.alertSignals.inc({ outcome });
      this.enqueue(changes);
    } catch (error) {
      this.options.log.error({ err: error, kind: signal.kind }, 'a signal could not be handled');
    }
  };

  /** Signal time moved on (newer readings): quiet conditions clear, held ones resolve. */
  observeTime(tsMs: number): void {
    const limited = Math.min(tsMs, this.now() + MAX_CLOCK_AHEAD_MS);
    if (limited > this.book.state.clockMs) this.commit(this.book.advance(limited));
  }

  /** Publishes alert changes through `publish` (the broker, once it runs). */
  attachPublisher(publish: (topic: string, payload: Buffer) => void): void {
    this.publisher = publish;
  }

  /** Calls `listener` with every changed alert; returns its unsubscribe. */
  subscribe(listener: (summary: AlertSummary) => void): () => void {
    this.listeners.add(listener);
    return () => void this.listeners.delete(listener);
  }

  /** Starts the escalation timer. */
  start(): void {
    this.timer = setInterval(
      () => this.checkEscalations(),
      this.options.escalationCheckMs ?? 10_000,
    );
    this.timer.unref();
  }

  async close(): Promise<void> {
    clearInterval(this.timer);
    this.commit([]);
    await this.points.flush();
    this.db.close();
  }

  /** Alerts newest first (by id), filtered. */
  list(filter: AlertFilter = {}): AlertSummary[] {
    const now = this.now();
    return filterAlerts(this.book.alerts.values(), filter).map((alert) => {
      const summary = summaryOf(alert, this.options.rules, now);
      return filter.at === undefined ? summary : { ...summary, state: stateAt(alert, filter.at)! };
    });
  }

  detail(id: string): AlertDetail | undefined {
    const alert = this.book.alerts.get(id);
    return alert ? this.toDetail(alert) : undefined;
  }

  /** A person's workflow step; refused steps change nothing. */
  act(id: string, request: PersonRequest): ActOutcome {
    const alert = this.book.alerts.get(id);
    if (!alert)
      return {
        ok: false,
        refusal: 'not_found',
        message: `there is no alert ${id}; GET /api/alerts lists them.`,
      };
    const before = { state: alert.state, severity: alert.severity };
    const at = Math.max(this.now(), alert.updatedAt);
    const result = this.book.act(alert, {
      action: request.action,
      actor: request.operator.role,
      who: request.operator.name,
      at,
      ...(request.note !== undefined ? { note: request.note } : {}),
      ...(request.department !== undefined ? { department: request.department } : {}),
      ...(request.rating !== undefined ? { rating: request.rating } : {}),
      ...(request.comment !== undefined ? { comment: request.comment } : {}),
    });
    if (!result.ok) return result;
    this.commit([{ alert: result.alert, before, audit: [result.entry], at }]);
    if (request.action === 'cancel') {
      this.options.metrics?.falseAlarms.inc({ layer: result.alert.layer, kind: result.alert.kind });
    }
    return { ok: true, alert: this.toDetail(result.alert) };
  }

  /**
   * The loop's timer: alerts about live traffic (on the wall clock) clear and resolve, and
   * every open alert whose current step is overdue escalates. Returns how many escalated.
   */
  checkEscalations(): number {
    const now = this.now();
    const changes: AlertChange[] = this.book.advance(now, 'wall');
    let escalated = 0;
    for (const alert of [...this.book.alerts.values()]) {
      if (!isOpenState(alert.state) || !needsEscalation(alert, this.options.rules, now)) continue;
      const change = this.escalate(alert, now);
      if (change) {
        changes.push(change);
        escalated++;
      }
    }
    this.commit(changes);
    return escalated;
  }

  private escalate(alert: Alert, now: number): AlertChange | undefined {
    const before = { state: alert.state, severity: alert.severity };
    const step =
      alert.state === 'discovered'
        ? 'dispatch'
        : alert.state === 'dispatched'
          ? 'acceptance'
          : 'resolution';
    const at = Math.max(now, alert.updatedAt);
    const result = this.book.act(alert, {
      action: 'escalate',
      actor: 'system',
      who: SYSTEM_NAME,
      at,
      note: `${step} overdue (SLA for ${alert.severity})`,
    });
    if (!result.ok) return undefined;
    this.options.metrics?.alertEscalations.inc({ severity: alert.severity });
    this.options.log.warn(
      { alert: alert.id, department: alert.department, step },
      'alert escalated: step overdue',
    );
    return { alert: result.alert, before, audit: [result.entry], at };
  }

  /**
   * Deletes the closed alerts last changed before `beforeMs`, with their members, timelines
   * and audit trails; open ones stay however old. Returns the ids deleted.
   */
  prune(beforeMs: number): string[] {
    this.commit([]);
    const ids = expiredAlertIds(this.book.alerts.values(), beforeMs);
    if (ids.length === 0) return ids;
    this.db.remove(ids);
    for (const id of ids) this.book.forget(id);
    return ids;
  }

  evaluation(by: EvaluationGrouping, from?: number, to?: number) {
    return evaluate(this.book.alerts.values(), by, from, to);
  }

  private toDetail(alert: Alert): AlertDetail {
    const systems = this.options.twin.city.gridSystems;
    const systemName = (id: string) =>
      id === ADMIN_SYSTEM
        ? 'Administrative district'
        : (systems.find((s) => s.id === id)?.name ?? id);
    return detailOf(alert, this.options.rules, this.now(), systemName);
  }

  /**
   * Signals come in bursts (a batch of readings gives many findings at once): their changes
   * are written in one transaction at the end of the tick, before anything else can run.
   */
  private enqueue(changes: readonly AlertChange[]): void {
    if (changes.length === 0) return;
    this.pending.push(...changes);
    // A point per change, taken now: later changes in the tick mutate the same alert.
    for (const change of changes) this.pendingPoints.push(pointOf(change));
    if (this.flushQueued) return;
    this.flushQueued = true;
    queueMicrotask(() => {
      try {
        this.commit([]);
      } catch {
        // Logged in commit; the next change tries again with the book's full state.
      }
    });
  }

  /** Writes pending and new changes through, then publishes them, counts them, charts them. */
  private commit(more: readonly AlertChange[]): void {
    this.flushQueued = false;
    const changes = this.pending.concat(more);
    const points = this.pendingPoints.concat(more.map(pointOf));
    this.pending = [];
    this.pendingPoints = [];
    if (changes.length === 0) return;
    try {
      this.db.save(changes, this.book.state);
    } catch (error) {
      this.options.log.error({ err: error, changes: changes.length }, 'alert changes not saved');
      throw error;
    }
    const now = this.now();
    const latest = new Map<string, Alert>();
    for (const change of changes) latest.set(change.alert.id, change.alert);
    for (const point of points) this.points.add(point);
    for (const alert of latest.values()) {
      this.rollups.sync(alert);
      const summary = summaryOf(alert, this.options.rules, now);
      this.publisher?.(ALERTS_TOPIC, Buffer.from(JSON.stringify({ alert: summary })));
      for (const listener of this.listeners) listener(summary);
    }
  }
}
