/**
 * Lets a test go through the widget's whole retry backoff (up to 10 s) without sitting through it:
 * while on, a timer of 500 ms or more, the shortest retry wait, fires on the next task instead,
 * and the wait it asked for is kept for the test to check. Lit's timers are 0 ms and keep their
 * time; waitUntil's own 1000 ms timeout would fire at once too, so a test turns this off before it
 * waits that way. Mocha keeps the timers it had when it loaded, so its test timeout still holds.
 */
const SHORTEST_RETRY_WAIT_MS = 500;

export interface Hurry {
  /** The waits asked for, in order, in milliseconds. */
  waits: number[];
  restore: () => void;
}

export function hurryWaits(): Hurry {
  const real = window.setTimeout;
  const waits: number[] = [];
  const hurried = (handler: TimerHandler, timeout = 0, ...rest: unknown[]): number => {
    if (timeout < SHORTEST_RETRY_WAIT_MS) return real(handler, timeout, ...rest);
    waits.push(timeout);
    return real(handler, 0, ...rest);
  };
  window.setTimeout = hurried as typeof window.setTimeout;
  return {
    waits,
    restore: () => {
      window.setTimeout = real;
    },
  };
}
