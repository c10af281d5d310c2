import type { Gauge } from 'prom-client';
import { ALERT_SEVERITIES, type AlertSeverity } from '@sensegrid/twin';
import type { TwinState } from '../twin-state/twin-state.ts';
import { isOpenState, type Alert } from './model.ts';

/**
 * Keeps the twin's rollups counting each open alert once per member sensor at its severity,
 * so region badges show open alerts by severity. Alerts about regions (no sensor) are not
 * counted there.
 */
export class AlertRollups {
  private readonly counted = new Map<string, { severity: AlertSeverity; sensors: Set<number> }>();
  private readonly open: Record<AlertSeverity, number> = {
    critical: 0,
    major: 0,
    minor: 0,
    warning: 0,
  };

  constructor(
    private readonly twin: TwinState,
    private readonly gauge?: Gauge<'severity'>,
  ) {
    for (const severity of ALERT_SEVERITIES) gauge?.set({ severity }, 0);
  }

  /** Brings the counts of one alert in line with its state, severity and members. */
  sync(alert: Alert): void {
    const had = this.counted.get(alert.id);
    const wanted = isOpenState(alert.state) ? this.sensorsOf(alert) : undefined;
    if (had && (!wanted || had.severity !== alert.severity)) {
      for (const index of had.sensors) this.twin.rollups.alert(index, had.severity, -1);
      this.count(had.severity, -1);
      this.counted.delete(alert.id);
    }
    if (!wanted) return;
    const entry = this.counted.get(alert.id) ?? {
      severity: alert.severity,
      sensors: new Set<number>(),
    };
    if (!this.counted.has(alert.id)) {
      this.counted.set(alert.id, entry);
      this.count(alert.severity, 1);
    }
    for (const index of wanted) {
      if (entry.sensors.has(index)) continue;
      entry.sensors.add(index);
      this.twin.rollups.alert(index, alert.severity, 1);
    }
  }

  /** Open alerts by severity. */
  openCounts(): Readonly<Record<AlertSeverity, number>> {
    return this.open;
  }

  private count(severity: AlertSeverity, delta: 1 | -1): void {
    this.open[severity] += delta;
    this.gauge?.set({ severity }, this.open[severity]);
  }

  private sensorsOf(alert: Alert): Set<number> {
    const sensors = new Set<number>();
    for (const m of alert.members.values()) {
      if (m.device === undefined) continue;
      const index = this.twin.sensors.indexOf(m.device);
      if (index !== undefined) sensors.add(index);
    }
    return sensors;
  }
}
