import { countByLayer } from './layer-counts.ts';

interface DeviceRow {
  id: string;
  layer?: string;
  placement: { district?: string; grid?: string };
  status: string;
  readings: number;
}

const healthEl = document.getElementById('health')!;
const devicesEl = document.getElementById('devices')!;
const layersEl = document.getElementById('layers')!;

function cell(text: string | number | undefined): HTMLTableCellElement {
  const td = document.createElement('td');
  td.textContent = text === undefined ? '' : String(text);
  return td;
}

async function refresh(): Promise<void> {
  try {
    const health = (await (await fetch('/api/health')).json()) as {
      status: string;
      broker: { clients: number };
      wal: { pendingReadings: number };
    };
    healthEl.textContent = `${health.status} · ${health.broker.clients} devices connected · ${health.wal.pendingReadings} readings queued`;
    healthEl.className = `pill ${health.status}`;
    const { devices } = (await (await fetch('/api/devices')).json()) as { devices: DeviceRow[] };
    layersEl.replaceChildren(
      ...countByLayer(devices).map(({ name, count }) => {
        const span = document.createElement('span');
        span.textContent = `${name} ${count}`;
        return span;
      }),
    );
    devicesEl.replaceChildren(
      ...devices.slice(0, 500).map((device) => {
        const tr = document.createElement('tr');
        tr.append(
          cell(device.id),
          cell(device.layer),
          cell(device.placement.district),
          cell(device.placement.grid),
          cell(device.status),
          cell(device.readings),
        );
        return tr;
      }),
    );
  } catch {
    healthEl.textContent = 'gateway unreachable';
    healthEl.className = 'pill degraded';
  }
}

void refresh();
setInterval(() => void refresh(), 2000);
