/**
 * The recording format: gzip-compressed NDJSON. The first line is a header; every other line is
 * one MQTT message as it arrived:
 *
 *   {"format":"sensegrid-recording","version":1,"createdAt":1764400000000,"source":"mqtt://...","topic":"devices/#"}
 *   {"t":1764400000123,"topic":"devices/air-0001/readings","qos":1,"retain":false,"payload":"{\"seq\":1,...}"}
 *
 * `t` is the receive time in epoch milliseconds. A payload that is valid UTF-8 is kept as the
 * string `payload`; any other payload as base64 in `payload64`. Either way it replays byte for byte.
 */
export const RECORDING_FORMAT = 'sensegrid-recording';
export const RECORDING_VERSION = 1;

export interface RecordingHeader {
  format: typeof RECORDING_FORMAT;
  version: number;
  createdAt: number;
  source?: string;
  topic?: string;
}

export interface RecordedMessage {
  t: number;
  topic: string;
  qos: 0 | 1 | 2;
  retain: boolean;
  payload: Buffer;
}

const decoder = new TextDecoder('utf-8', { fatal: true });

export function encodeMessage(message: RecordedMessage): string {
  let text: string | undefined;
  try {
    text = decoder.decode(message.payload);
  } catch {
    text = undefined;
  }
  const body: Record<string, unknown> = {
    t: message.t,
    topic: message.topic,
    qos: message.qos,
    retain: message.retain,
  };
  if (text !== undefined) body.payload = text;
  else body.payload64 = message.payload.toString('base64');
  return JSON.stringify(body);
}

export function decodeLine(line: string, lineNumber: number): RecordedMessage {
  let body: {
    t?: unknown;
    topic?: unknown;
    qos?: unknown;
    retain?: unknown;
    payload?: unknown;
    payload64?: unknown;
  };
  try {
    body = JSON.parse(line) as typeof body;
  } catch {
    throw new Error(`line ${lineNumber} is not JSON`);
  }
  if (typeof body.t !== 'number' || typeof body.topic !== 'string') {
    throw new Error(`line ${lineNumber} needs a numeric "t" and a string "topic"`);
  }
  const payload =
    typeof body.payload === 'string'
      ? Buffer.from(body.payload, 'utf8')
      : typeof body.payload64 === 'string'
        ? Buffer.from(body.payload64, 'base64')
        : Buffer.alloc(0);
  const qos = body.qos === 1 || body.qos === 2 ? body.qos : 0;
  return { t: body.t, topic: body.topic, qos, retain: body.retain === true, payload };
}

export function isHeader(value: unknown): value is RecordingHeader {
  return (
    typeof value === 'object' &&
    value !== null &&
    (value as RecordingHeader).format === RECORDING_FORMAT
  );
}
