/** The MQTT topic the gateway publishes every alert change on, as `{ "alert": AlertSummary }`. */
export const ALERTS_TOPIC = '$twin/alerts';

type Listener = (payload: Uint8Array) => void;
const listeners = new Set<Listener>();

/** Called by the live connection for each `$twin/alerts` message. */
export function receiveAlertMessage(payload: Uint8Array): void {
  for (const listener of listeners) listener(payload);
}

/** Listens to `$twin/alerts` messages; returns the unsubscribe. */
export function subscribeAlertMessages(listener: Listener): () => void {
  listeners.add(listener);
  return () => void listeners.delete(listener);
}
