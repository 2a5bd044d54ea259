/**
 * The progress line `check` prints while it runs, as etcdctl's progress bar
 * library (gopkg.in/cheggaaa/pb.v1, v1.0.25 in etcdctl 3.4, v1.0.28 in 3.5)
 * draws it with etcdctl's "Bom !" format: counters, a bar when the terminal
 * is wide enough for one, the percentage and the time left (or, at the end,
 * the time taken), redrawn in place with "\r" every 200 ms.
 */
import { formatDuration } from '../go/duration.js';

export interface ProgressState {
  current: number;
  total: number;
  /** Milliseconds since the bar started, at this drawing. */
  elapsedMs: number;
  /**
   * Milliseconds since the bar started, at the drawing that first saw the
   * current count (the library notices a change only when it redraws).
   */
  changedMs: number;
  finished: boolean;
  /** Terminal width; 0 when output is not a terminal (no bar is drawn then). */
  width: number;
}

const BAR_START = 'B';
const BAR_CURRENT = 'o';
const BAR_CURRENT_N = 'm';
const BAR_EMPTY = ' ';
const BAR_END = '!';

const MINUTE = 60;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/**
 * The library's duration text for the time left, from whole seconds: days
 * and hours only when strictly more than one ("%dd", "%dh", unpadded), then
 * always "%02dm%02ds" (so exactly one hour reads "60m00s").
 */
export function timeLeftText(seconds: number): string {
  let s = seconds;
  let out = '';
  if (s > DAY) {
    out += `${Math.floor(s / DAY)}d`;
    s %= DAY;
  }
  if (s > HOUR) {
    out += `${Math.floor(s / HOUR)}h`;
    s %= HOUR;
  }
  const two = (n: number) => String(n).padStart(2, '0');
  return `${out}${two(Math.floor(s / MINUTE))}m${two(s % MINUTE)}s`;
}

/**
 * Whole seconds left, as the library estimates them (in nanoseconds, integer
 * arithmetic, truncating toward zero): the time per step up to the last
 * change, times the steps left, less the time since that change.
 */
function secondsLeft(p: ProgressState): number {
  if (p.current <= 0 || p.total <= 0) return 0;
  const perStepNs = Math.trunc(Math.round(p.changedMs * 1e6) / p.current);
  const sinceChangeNs = Math.round((p.elapsedMs - p.changedMs) * 1e6);
  return Math.trunc(((p.total - p.current) * perStepNs - sinceChangeNs) / 1e9);
}

/** One rendering of the bar, without the leading "\r". */
export function renderProgress(p: ProgressState): string {
  const counters = ` ${p.current} / ${p.total} `;
  const percent = ` ${((p.current / p.total) * 100).toFixed(2).padStart(6)}%`;
  let timeBox = '';
  if (p.finished) {
    // The time taken, in whole seconds, as Go prints a duration ("1m0s").
    timeBox = ` ${formatDuration(Math.floor(p.elapsedMs / 1000) * 1e9)}`;
  } else {
    // Shown only while at least one whole second is left.
    const left = secondsLeft(p);
    if (left > 0) timeBox = ` ${timeLeftText(left)}`;
  }
  let bar = '';
  const size = p.width - [...(counters + BAR_START + BAR_END + percent + timeBox)].length;
  if (size > 0) {
    const cur = Math.min(size, Math.ceil((p.current / p.total) * size));
    const empty = Math.max(0, size - cur);
    bar = BAR_START;
    if (empty <= 0) bar += BAR_CURRENT.repeat(cur);
    else if (cur > 0) bar += BAR_CURRENT.repeat(cur - 1) + BAR_CURRENT_N;
    bar += BAR_EMPTY.repeat(empty) + BAR_END;
  }
  const out = counters + bar + percent + timeBox;
  const pad = p.width > [...out].length ? ' '.repeat(p.width - [...out].length) : '';
  return out + pad;
}
