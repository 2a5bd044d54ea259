/**
 * The progress line `check` prints while it runs, as etcdctl's progress bar
 * library draws it with etcdctl's "Bom !" format: counters, a bar when the
 * terminal is wide enough for one, the percentage and the time left (or, at
 * the end, the time taken), redrawn in place with "\r".
 */
import { formatDuration } from '../config/duration.js';

export interface ProgressState {
  current: number;
  total: number;
  /** Milliseconds since the bar started. */
  elapsedMs: number;
  finished: boolean;
  /** Terminal width; 0 when output is not a terminal (no bar is drawn then). */
  width: number;
}

const BAR_START = 'B';
const BAR_CURRENT = 'o';
const BAR_CURRENT_N = 'm';
const BAR_EMPTY = ' ';
const BAR_END = '!';

function timeLeftText(ms: number): string {
  const total = Math.floor(ms / 1000);
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  const two = (n: number) => String(n).padStart(2, '0');
  return h > 0 ? `${h}h${two(m)}m${two(s)}s` : `${two(m)}m${two(s)}s`;
}

/** One rendering of the bar, without the leading "\r". */
export function renderProgress(p: ProgressState): string {
  const counters = ` ${p.current} / ${p.total} `;
  const percent = ` ${((p.current / p.total) * 100).toFixed(2).padStart(6)}%`;
  let timeBox = '';
  if (p.finished) {
    timeBox = ` ${formatDuration(Math.floor(p.elapsedMs / 1000) * 1e9)}`;
  } else if (p.current > 0) {
    // Whole seconds; under one second left, no time is shown.
    const left = ((p.total - p.current) * p.elapsedMs) / p.current;
    if (left >= 1000) timeBox = ` ${timeLeftText(left)}`;
  }
  let bar = '';
  const size = p.width - [...(counters + BAR_START + BAR_END + percent + timeBox)].length;
  if (size > 0) {
    let cur = Math.min(size, Math.ceil((p.current / p.total) * size));
    const empty = Math.max(0, size - cur);
    bar = BAR_START;
    if (empty <= 0) bar += BAR_CURRENT.repeat(cur);
    else if (cur > 0) bar += BAR_CURRENT.repeat(cur - 1) + BAR_CURRENT_N;
    bar += BAR_EMPTY.repeat(empty) + BAR_END;
    cur = 0;
  }
  const out = counters + bar + percent + timeBox;
  const pad = p.width > [...out].length ? ' '.repeat(p.width - [...out].length) : '';
  return out + pad;
}
