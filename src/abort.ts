/**
 * The run's Ctrl-C, for everything that waits: one `AbortError` shape, and one listener per signal that
 * fans out to every waiter. A run shares one AbortSignal across all its hosts; a listener per command or
 * per sleep would pile up (Node warns past 10: MaxListenersExceededWarning) and each would have to be
 * removed by hand. Leaf module: imports nothing.
 */

/** What a wait interrupted by the run's abort rejects with; `detail` adds what may have been left behind. */
export function abortError(detail?: string): Error {
  const e = new Error(detail ? `interrupted; ${detail}` : 'interrupted');
  e.name = 'AbortError';
  return e;
}

const waiters = new WeakMap<AbortSignal, Set<() => void>>();

/**
 * Call `fn` once when `signal` aborts; returns the unsubscribe. A signal that has already aborted does not
 * call `fn` (check `signal.aborted` first, as with addEventListener). Whatever the number of waiters, the
 * signal carries a single listener.
 */
export function onAbort(signal: AbortSignal | undefined, fn: () => void): () => void {
  if (!signal || signal.aborted) return () => {};
  let set = waiters.get(signal);
  if (!set) {
    const fanOut = new Set<() => void>();
    waiters.set(signal, fanOut);
    signal.addEventListener(
      'abort',
      () => {
        waiters.delete(signal);
        for (const f of [...fanOut]) f();
        fanOut.clear();
      },
      { once: true },
    );
    set = fanOut;
  }
  const mine = set;
  const once = () => {
    mine.delete(once);
    fn();
  };
  mine.add(once);
  return () => {
    mine.delete(once);
  };
}
