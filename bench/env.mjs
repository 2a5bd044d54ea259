// The environment the benchmarks run programs in. Node reads the files these
// variables name before any program code runs (extra CA certificates cost
// about 90 ms on a machine that sets NODE_EXTRA_CA_CERTS to the system
// bundle): a cost of the machine, not of the programs, which would hide
// their differences. Every program runs without them.
const CLEAR = ['NODE_EXTRA_CA_CERTS', 'NODE_OPTIONS'];

export const BENCH_ENV = { ...process.env };
/** The variables this environment had that the benchmark clears. */
export const CLEARED = CLEAR.filter((k) => BENCH_ENV[k] !== undefined);
for (const k of CLEARED) delete BENCH_ENV[k];

/** A line saying what was cleared, or '' when nothing was. */
export function clearedNote() {
  return CLEARED.length > 0 ? `(run without ${CLEARED.join(' and ')}, which this environment sets)` : '';
}
