import mqemitter, { type MQEmitter } from 'mqemitter';

/** Past this many nested deliveries, the next one starts on a fresh stack. */
const MAX_NESTED_DELIVERIES = 64;

/**
 * The broker's message router: mqemitter with its backlog drained without recursion.
 *
 * When every delivery slot is taken (a frozen subscriber holds its slots until its socket
 * drains or the drain timeout drops it), messages queue; when the slots come free, mqemitter
 * delivers the queue recursively, one stack frame per message, and a long queue overflowed
 * the stack (`RangeError: Maximum call stack size exceeded`). Here a delivery nested too deep
 * is moved to the next turn of the event loop instead.
 */
export function createRouter(concurrency: number): MQEmitter {
  const mq = mqemitter({ concurrency, matchEmptyLevels: true }) as MQEmitter & {
    _do(message: unknown, callback: unknown): MQEmitter;
  };
  const deliver = mq._do.bind(mq);
  let depth = 0;
  mq._do = (message, callback) => {
    if (depth >= MAX_NESTED_DELIVERIES) {
      setImmediate(() => deliver(message, callback));
      return mq;
    }
    depth++;
    try {
      return deliver(message, callback);
    } finally {
      depth--;
    }
  };
  return mq;
}
