import { MemberStats, newAlert } from './alert-shape.ts';
import type { AlertChange, BookState, SignalOutcome } from './book-types.ts';
import { isOpenState, type Alert, type AlertClock, type AuditEntry } from './model.ts';
import type { PlaceSignal, SignalPlace } from './placement.ts';
import { routeAlert, type AlertRules } from './rules.ts';
import type { Signal } from './signal.ts';
import { applyAction, type ActionRequest, type ActionResult } from './workflow.ts';

export type { AlertChange, BookState, SignalOutcome } from './book-types.ts';

export const SYSTEM_NAME = 'sensegrid';

/**
 * The incidents of the city in memory, and the rules that group findings into them: one open
 * alert per district and layer; a finding joins it while it is open, its condition clears after
 * a quiet time, and it auto-resolves once clear for the hold time. Time is the signals' own, so
 * the same signals in the same order give the same alerts, ids and times. Nothing here does I/O.
 */
export class IncidentBook {
  readonly alerts = new Map<string, Alert>();
  private readonly open = new Map<string, Alert>();
  private readonly stats = new Map<string, MemberStats>();
  readonly state: BookState = {
    nextSeq: 1,
    clockMs: -Infinity,
    wallClockMs: -Infinity,
    mutes: new Map(),
  };

  constructor(
    private readonly rules: AlertRules,
    private readonly place: PlaceSignal,
    private readonly regionName: (id: string) => string,
  ) {}

  /** Puts back alerts and state loaded from storage. */
  restore(alerts: Iterable<Alert>, state: BookState): void {
    Object.assign(this.state, state);
    for (const alert of alerts) this.put(alert);
  }

  /** Takes one signal; returns the outcome and every change it caused (older alerts first). */
  absorb(
    input: Signal,
    clockLimitMs = Infinity,
  ): { outcome: SignalOutcome; changes: AlertChange[]; alert?: Alert } {
    // A device clock far ahead must not resolve every open alert: the clock stops at the limit.
    const clock = clockOf(input);
    const changes = this.advance(Math.min(input.tsMs, clockLimitMs), clock);
    const where = this.place(input);
    // A device that never described itself has no layer in the registry; the twin may know it.
    const known = input.layer !== '' && input.layer !== 'unknown';
    const signal = known || !where.layer ? input : { ...input, layer: where.layer };
    const key = correlationKey(where.place.id, signal.layer);
    const existing = this.open.get(key);
    if (signal.clear) {
      if (!existing) return { outcome: 'cleared', changes };
      const change = this.clearMember(existing, signal);
      return {
        outcome: 'cleared',
        changes: change ? [...changes, change] : changes,
        alert: existing,
      };
    }
    const muteUntil = this.state.mutes.get(`${key}\u0000${signal.kind}`);
    if (muteUntil !== undefined && signal.tsMs < muteUntil) return { outcome: 'muted', changes };
    // A finding from well before the open incident began (a device's backlog arriving late)
    // is about another time: it does not join, nor move the incident's opening back.
    if (existing && signal.tsMs < existing.openedAt - this.rules.timing.quietMs)
      return { outcome: 'late', changes };
    if (existing) {
      changes.push(...this.join(existing, signal, where));
      return { outcome: 'joined', changes, alert: this.alerts.get(existing.id) };
    }
    if (signal.score < this.rules.timing.openScore) return { outcome: 'below_open_score', changes };
    const created = this.create(signal, where);
    changes.push(...created);
    return { outcome: 'opened', changes, alert: this.alerts.get(created[0]!.alert.id) };
  }

  /**
   * Moves signal time to `tsMs` (never backwards): conditions quiet for the quiet time turn
   * clear, and alerts clear for the hold time resolve themselves.
   */
  advance(tsMs: number, clock: AlertClock = 'data'): AlertChange[] {
    const field = clock === 'data' ? 'clockMs' : 'wallClockMs';
    if (!(tsMs > this.state[field])) return [];
    this.state[field] = tsMs;
    const { quietMs, holdMs } = this.rules.timing;
    const changes: AlertChange[] = [];
    for (const alert of [...this.open.values()]) {
      if ((alert.clock ?? 'data') !== clock) continue;
      const before = { state: alert.state, severity: alert.severity };
      let changed = false;
      if (alert.clearSince === null && alert.lastSignalAt + quietMs <= tsMs) {
        alert.clearSince = alert.lastSignalAt + quietMs;
        alert.updatedAt = Math.max(alert.updatedAt, alert.clearSince);
        changed = true;
      }
      if (alert.clearSince !== null && alert.clearSince + holdMs <= tsMs) {
        const at = alert.clearSince + holdMs;
        const minutes = Math.round((holdMs / 60_000) * 10) / 10;
        const note = `condition clear for ${minutes} min`;
        const result = this.act(alert, {
          action: 'auto_resolve',
          actor: 'system',
          who: SYSTEM_NAME,
          at,
          note,
        });
        if (result.ok) {
          changes.push({ alert: result.alert, before, audit: [result.entry], at });
          continue;
        }
      }
      if (changed) changes.push({ alert, before, audit: [], at: alert.clearSince! });
    }
    for (const [key, until] of this.state.mutes) if (until <= tsMs) this.state.mutes.delete(key);
    return changes;
  }

  /** Applies a workflow step and keeps the book in line with the new state. */
  act(alert: Alert, request: ActionRequest): ActionResult {
    const result = applyAction(alert, request, this.rules);
    if (!result.ok) return result;
    this.put(result.alert);
    if (request.action === 'cancel') this.mute(result.alert);
    if (request.action === 'reopen' && alert.state === 'cancelled') this.unmute(result.alert);
    return result;
  }

  /** Drops a closed alert (past the retention); an open one is never dropped. */
  forget(id: string): void {
    const alert = this.alerts.get(id);
    if (!alert || isOpenState(alert.state)) return;
    this.alerts.delete(id);
    this.stats.delete(id);
  }

  /** Whether signals at this place, layer and kind are muted at signal time `tsMs`. */
  isMuted(placeId: string, layer: string, kind: string, tsMs: number): boolean {
    const until = this.state.mutes.get(`${correlationKey(placeId, layer)}\u0000${kind}`);
    return until !== undefined && tsMs < until;
  }

  private put(alert: Alert): void {
    this.alerts.set(alert.id, alert);
    const key = correlationKey(alert.place.id, alert.layer);
    const holder = this.open.get(key);
    if (isOpenState(alert.state)) {
      if (!holder || holder.id === alert.id) this.open.set(key, alert);
    } else if (holder?.id === alert.id) this.open.delete(key);
  }

  /** A false alarm: its finding kinds at its place and layer are muted for the mute time. */
  private mute(alert: Alert): void {
    const now = alert.clock === 'wall' ? this.state.wallClockMs : this.state.clockMs;
    const until = Math.max(now, alert.lastSignalAt) + this.rules.timing.muteMs;
    const key = correlationKey(alert.place.id, alert.layer);
    for (const member of alert.members.values())
      this.state.mutes.set(`${key}\u0000${member.kind}`, until);
  }

  /** A false alarm taken back: its finding kinds are heard again. */
  private unmute(alert: Alert): void {
    const key = correlationKey(alert.place.id, alert.layer);
    for (const member of alert.members.values())
      this.state.mutes.delete(`${key}\u0000${member.kind}`);
  }

  private create(signal: Signal, where: SignalPlace): AlertChange[] {
    const seq = this.state.nextSeq++;
    const alert = newAlert(seq, signal, where, this.rules.defaultDepartment, clockOf(signal));
    const entry: AuditEntry = {
      at: signal.tsMs,
      who: SYSTEM_NAME,
      role: 'system',
      from: null,
      to: 'discovered',
      action: 'discover',
      note: signal.explanation,
    };
    alert.audit.push(entry);
    this.put(alert);
    const [first, ...rest] = this.join(alert, signal, where);
    return [{ ...first!, before: null, audit: [entry, ...first!.audit] }, ...rest];
  }

  private join(alert: Alert, signal: Signal, where: SignalPlace): AlertChange[] {
    const before = { state: alert.state, severity: alert.severity };
    const memberKey = `${signal.device ?? signal.region?.id ?? ''}\u0000${signal.metric ?? ''}\u0000${signal.kind}`;
    // Tallies of the members so far (built from them once after a restart).
    let stats = this.stats.get(alert.id);
    if (!stats) this.stats.set(alert.id, (stats = MemberStats.of(alert)));
    let member = alert.members.get(memberKey);
    const isNew = member === undefined;
    if (!member) {
      member = {
        key: memberKey,
        ...(signal.device !== undefined ? { device: signal.device } : {}),
        ...(signal.region !== undefined ? { region: signal.region.id } : {}),
        ...(signal.metric !== undefined ? { metric: signal.metric } : {}),
        kind: signal.kind,
        count: 0,
        score: 0,
        firstTs: signal.tsMs,
        lastTs: signal.tsMs,
        explanation: signal.explanation,
        cleared: false,
        regions: where.regions,
      };
      alert.members.set(memberKey, member);
    }
    member.count++;
    member.score = Math.max(member.score, signal.score);
    member.firstTs = Math.min(member.firstTs, signal.tsMs);
    if (signal.tsMs >= member.lastTs) member.explanation = signal.explanation;
    member.lastTs = Math.max(member.lastTs, signal.tsMs);
    member.cleared = false;
    if (alert.clearSince !== null) {
      alert.clearSince = null;
      alert.flaps++;
    }
    alert.findings++;
    alert.maxScore = Math.max(alert.maxScore, signal.score);
    alert.openedAt = Math.min(alert.openedAt, signal.tsMs);
    alert.lastSignalAt = Math.max(alert.lastSignalAt, signal.tsMs);
    alert.updatedAt = Math.max(alert.updatedAt, signal.tsMs);
    const point: [number, number] = [signal.tsMs, signal.score];
    alert.timeline.push(point);
    stats.add(member, isNew);
    stats.applyTo(alert, this.regionName);
    const change: AlertChange = { alert, before, member, point, audit: [], at: signal.tsMs };
    return [change, ...this.route(alert, signal.tsMs)];
  }

  /** Routes a discovered alert (again, as its severity grows) and auto-dispatches when told. */
  private route(alert: Alert, at: number): AlertChange[] {
    if (alert.state !== 'discovered') return [];
    const route = routeAlert(this.rules, alert);
    alert.department = route.department;
    alert.rule = route.rule;
    if (!route.autoDispatch) return [];
    const before = { state: alert.state, severity: alert.severity };
    const note = `rule ${route.rule}`;
    const result = this.act(alert, {
      action: 'auto_dispatch',
      actor: 'system',
      who: SYSTEM_NAME,
      at,
      note,
      department: route.department,
    });
    return result.ok ? [{ alert: result.alert, before, audit: [result.entry], at }] : [];
  }

  private clearMember(alert: Alert, signal: Signal): AlertChange | undefined {
    const before = { state: alert.state, severity: alert.severity };
    const source = signal.device ?? signal.region?.id;
    let touched = false;
    for (const m of alert.members.values()) {
      if ((m.device ?? m.region) === source && !m.cleared) {
        m.cleared = true;
        touched = true;
      }
    }
    if (!touched) return undefined;
    if (alert.clearSince === null && [...alert.members.values()].every((m) => m.cleared)) {
      alert.clearSince = Math.max(signal.tsMs, alert.lastSignalAt);
      alert.updatedAt = Math.max(alert.updatedAt, alert.clearSince);
    }
    return { alert, before, audit: [], at: signal.tsMs };
  }
}

/** Traffic signals are stamped with the wall clock; every other source with data time. */
const clockOf = (signal: Signal): AlertClock => (signal.source === 'traffic' ? 'wall' : 'data');

export const correlationKey = (placeId: string, layer: string): string =>
  `${placeId}\u0000${layer}`;
