/**
 * The one place that listens for process signals (SIGINT, SIGTERM, ...):
 * everything that wants to know of one subscribes here.
 *
 * The semantics are those of process.on / process.once, which the commands
 * were written against: a signal that nobody is subscribed to does what it
 * does by default (SIGINT and SIGTERM end the process); one that somebody is
 * subscribed to only calls the subscribers, in the order they subscribed. A
 * `once` subscription ends before its handler is called, per signal (the
 * first SIGINT ends its SIGINT part; its SIGTERM part is still there).
 */

type Handler = (signal: NodeJS.Signals) => void;

interface Subscription {
  handler: Handler;
  once: boolean;
}

/** SIGINT (Ctrl-C) and SIGTERM: what stops a long-running command. */
export const INTERRUPTS: readonly NodeJS.Signals[] = ['SIGINT', 'SIGTERM'];

const subscribers = new Map<NodeJS.Signals, Subscription[]>();
/** The process listener of each signal somebody is subscribed to. */
const listeners = new Map<NodeJS.Signals, () => void>();

function dispatch(signal: NodeJS.Signals): void {
  // As EventEmitter: those subscribed when the signal came are called, even if one unsubscribes another.
  for (const sub of [...(subscribers.get(signal) ?? [])]) {
    if (sub.once) remove(signal, sub);
    sub.handler(signal);
  }
}

function add(signal: NodeJS.Signals, sub: Subscription): void {
  const list = subscribers.get(signal) ?? [];
  subscribers.set(signal, list);
  list.push(sub);
  if (!listeners.has(signal)) {
    const listener = () => dispatch(signal);
    listeners.set(signal, listener);
    process.on(signal, listener);
  }
}

function remove(signal: NodeJS.Signals, sub: Subscription): void {
  const list = subscribers.get(signal);
  const i = list?.indexOf(sub) ?? -1;
  if (!list || i < 0) return;
  list.splice(i, 1);
  if (list.length > 0) return;
  // Nobody left: the signal does what it does by default again.
  subscribers.delete(signal);
  process.off(signal, listeners.get(signal)!);
  listeners.delete(signal);
}

/**
 * Calls `handler` with the signal each time one of `signals` arrives (with
 * `once`, the first time each arrives), until the returned function is called.
 */
export function onInterrupt(signals: readonly NodeJS.Signals[], handler: Handler, opts: { once?: boolean } = {}): () => void {
  const subs = signals.map((signal) => [signal, { handler, once: opts.once === true }] as const);
  for (const [signal, sub] of subs) add(signal, sub);
  return () => {
    for (const [signal, sub] of subs) remove(signal, sub);
  };
}

/**
 * Listens from now on for the first of `signals` (SIGINT and SIGTERM unless
 * told): `signal` is aborted and `interrupted` resolves with its name when it
 * comes. Each signal is listened for once; after the first SIGINT, say,
 * another SIGINT does what it does by default.
 */
export function firstInterrupt(signals: readonly NodeJS.Signals[] = INTERRUPTS): { signal: AbortSignal; interrupted: Promise<NodeJS.Signals> } {
  const controller = new AbortController();
  const interrupted = new Promise<NodeJS.Signals>((resolve) => {
    onInterrupt(
      signals,
      (signal) => {
        controller.abort();
        resolve(signal);
      },
      { once: true },
    );
  });
  return { signal: controller.signal, interrupted };
}
