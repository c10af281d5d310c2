import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** The gateway's Prometheus metrics, one registry per gateway so tests can run several. */
export function createMetrics() {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'sensegrid_process_' });
  const metrics = {
    registry,
    readingsReceived: new Counter({
      name: 'sensegrid_readings_received_total',
      help: 'Readings accepted into the write-ahead log',
      registers: [registry],
    }),
    payloadsRejected: new Counter({
      name: 'sensegrid_payloads_rejected_total',
      help: 'Payloads refused, by reason',
      labelNames: ['reason'],
      registers: [registry],
    }),
    publishes: new Counter({
      name: 'sensegrid_mqtt_publishes_total',
      help: 'MQTT publishes from devices, by topic kind',
      labelNames: ['kind'],
      registers: [registry],
    }),
    clients: new Gauge({
      name: 'sensegrid_mqtt_clients',
      help: 'Connected MQTT clients',
      registers: [registry],
    }),
    publishesThrottled: new Counter({
      name: 'sensegrid_publishes_throttled_total',
      help: 'Device publishes whose acknowledgement was delayed by the per-device rate limit',
      registers: [registry],
    }),
    authFailures: new Counter({
      name: 'sensegrid_mqtt_auth_failures_total',
      help: 'Refused MQTT connections, by CONNACK return code',
      labelNames: ['code'],
      registers: [registry],
    }),
    signIns: new Counter({
      name: 'sensegrid_sign_ins_total',
      help: 'Console and API sign-ins (POST /api/login), by result: ok, refused, throttled',
      labelNames: ['result'],
      registers: [registry],
    }),
    connectionsDropped: new Counter({
      name: 'sensegrid_mqtt_connections_dropped_total',
      help: 'MQTT connections the gateway closed for bad behaviour, by reason',
      labelNames: ['reason'],
      registers: [registry],
    }),
    walPendingReadings: new Gauge({
      name: 'sensegrid_wal_pending_readings',
      help: 'Readings in the write-ahead log not yet confirmed by the store',
      registers: [registry],
    }),
    walBytes: new Gauge({
      name: 'sensegrid_wal_bytes',
      help: 'Bytes of write-ahead log segments on disk',
      registers: [registry],
    }),
    walFull: new Gauge({
      name: 'sensegrid_wal_full',
      help: '1 while the write-ahead log is full and publishes are held back',
      registers: [registry],
    }),
    storeLagSeconds: new Gauge({
      name: 'sensegrid_store_lag_seconds',
      help: 'How long the store has been behind the write-ahead log (0 when caught up)',
      registers: [registry],
    }),
    walWaitingAppends: new Gauge({
      name: 'sensegrid_wal_waiting_appends',
      help: 'Publishes held back because the write-ahead log is full',
      registers: [registry],
    }),
    storeWriteSeconds: new Histogram({
      name: 'sensegrid_store_write_seconds',
      help: 'Duration of one batch write to the store',
      buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers: [registry],
    }),
    storeWriteErrors: new Counter({
      name: 'sensegrid_store_write_errors_total',
      help: 'Failed batch writes to the store (each is retried)',
      registers: [registry],
    }),
    readingsSetAside: new Counter({
      name: 'sensegrid_store_rejected_readings_total',
      help: 'Readings the store refused as invalid, set aside in rejected.ndjson',
      registers: [registry],
    }),
    findings: new Counter({
      name: 'sensegrid_findings_total',
      help: 'Anomaly findings of the streaming detectors, by kind',
      labelNames: ['kind'],
      registers: [registry],
    }),
    trafficFindings: new Counter({
      name: 'sensegrid_traffic_findings_total',
      help: 'Abnormal traffic found by the traffic monitor, by kind',
      labelNames: ['kind'],
      registers: [registry],
    }),
    risks: new Counter({
      name: 'sensegrid_risks_total',
      help: 'Risks raised by the risk analysis, by kind',
      labelNames: ['kind'],
      registers: [registry],
    }),
    falseAlarms: new Counter({
      name: 'sensegrid_false_alarms_total',
      help: 'Alerts cancelled as false alarms, by layer and finding kind',
      labelNames: ['layer', 'kind'],
      registers: [registry],
    }),
    alertSignals: new Counter({
      name: 'sensegrid_alert_signals_total',
      help: 'Signals the alert loop took, by outcome (opened, joined, cleared, muted, below_open_score)',
      labelNames: ['outcome'],
      registers: [registry],
    }),
    alertEscalations: new Counter({
      name: 'sensegrid_alert_escalations_total',
      help: 'Alert workflow steps escalated for missing their SLA, by severity',
      labelNames: ['severity'],
      registers: [registry],
    }),
    alertsOpen: new Gauge({
      name: 'sensegrid_alerts_open',
      help: 'Open alerts (discovered, dispatched or in progress) by severity',
      labelNames: ['severity'],
      registers: [registry],
    }),
    alertsPruned: new Counter({
      name: 'sensegrid_alerts_pruned_total',
      help: 'Closed alerts deleted with their audit trails for being older than --alerts-retention',
      registers: [registry],
    }),
    readingsStored: new Counter({
      name: 'sensegrid_readings_stored_total',
      help: 'Readings confirmed by the store',
      registers: [registry],
    }),
    sessionQueueDropped: new Counter({
      name: 'sensegrid_session_queue_dropped_total',
      help: 'Queued QoS 1 messages of persistent sessions dropped (oldest first) over the per-client limit',
      registers: [registry],
    }),
  };
  return metrics;
}

export type Metrics = ReturnType<typeof createMetrics>;
