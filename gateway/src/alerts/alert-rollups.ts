import type { Gauge } from 'prom-client';
import { ALERT_SEVERITIES, type AlertSeverity } from '@sensegrid/twin';
import type { TwinState } from '../twin-state/twin-state.ts';
import { isOpenState, type Alert } from './model.ts';

/**
 * Keeps the twin's rollups counting each open alert once, at its severity, so region badges
 * show open incidents by severity (a storm of 500 findings is one, not 500). The rollups count
 * alerts per sensor, so each alert is counted on one member sensor: the one whose regions
 * agree with the alert's regions in the most grid systems (the first such on a tie). Alerts
 * about regions only (no member sensor in the twin) are not counted there.
 */
export class AlertRollups {
  private readonly counted = new Map<string, { severity: AlertSeverity; sensor: number }>();
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
    const isOpen = isOpenState(alert.state);
    if (had && isOpen && had.severity === alert.severity) return;
    if (had) {
      this.twin.rollups.alert(had.sensor, had.severity, -1);
      this.count(had.severity, -1);
      this.counted.delete(alert.id);
    }
    if (!isOpen) return;
    const sensor = this.representative(alert);
    if (sensor === undefined) return;
    this.twin.rollups.alert(sensor, alert.severity, 1);
    this.count(alert.severity, 1);
    this.counted.set(alert.id, { severity: alert.severity, sensor });
  }

  /** Open alerts by severity. */
  openCounts(): Readonly<Record<AlertSeverity, number>> {
    return this.open;
  }

  private count(severity: AlertSeverity, delta: 1 | -1): void {
    this.open[severity] += delta;
    this.gauge?.set({ severity }, this.open[severity]);
  }

  private representative(alert: Alert): number | undefined {
    let best: number | undefined;
    let bestAgreement = -1;
    for (const m of alert.members.values()) {
      if (m.device === undefined) continue;
      const index = this.twin.sensors.indexOf(m.device);
      if (index === undefined) continue;
      let agreement = 0;
      for (const [system, region] of Object.entries(alert.regions))
        if (m.regions[system] === region.id) agreement++;
      if (agreement > bestAgreement) {
        best = index;
        bestAgreement = agreement;
      }
    }
    return best;
  }
}
