/**
 * Colours, for people only: on a terminal, never in a pipe or a file, so
 * that piped output stays byte-identical to etcdctl's.
 *
 * Whether a stream gets colours: --color=always|never decides; with auto (the
 * default) FORCE_COLOR turns them on (0 or false turns them off), else
 * NO_COLOR (any value) turns them off, else the stream must be a terminal.
 * FORCE_COLOR over NO_COLOR is Node's own order.
 */
import type { ChalkInstance } from 'chalk';
import { badArgs } from '../errors.js';
import type { IO, Sink } from './types.js';

export type ColourMode = 'auto' | 'always' | 'never';

const MODES: readonly ColourMode[] = ['auto', 'always', 'never'];

/** --color's value; anything else is exit 128. */
export function colourMode(value: string): ColourMode {
  if ((MODES as readonly string[]).includes(value)) return value as ColourMode;
  throw badArgs(`invalid --color ${JSON.stringify(value)}: choose auto, always or never`);
}

export function isTerminal(stream: Sink | NodeJS.ReadableStream): boolean {
  return (stream as { isTTY?: boolean }).isTTY === true;
}

/** Whether output to a stream that is (or is not) a terminal gets colours. */
export function wantsColour(mode: ColourMode, env: NodeJS.ProcessEnv, terminal: boolean): boolean {
  if (mode !== 'auto') return mode === 'always';
  const force = env.FORCE_COLOR;
  if (force !== undefined) return !['0', 'false'].includes(force.toLowerCase());
  if (env.NO_COLOR !== undefined) return false;
  return terminal && env.TERM !== 'dumb';
}

/** What each kind of text looks like; with colours off every function gives its text back. */
export interface Palette {
  /** The `Error: ...` line. */
  error(text: string): string;
  /** A diagnosis hint under an error. */
  hint(text: string): string;
  /** Good news: `is healthy`, a started member. */
  good(text: string): string;
  /** Bad news: `is unhealthy`. */
  bad(text: string): string;
  /** Something to notice: an unstarted member, a learner. */
  notice(text: string): string;
  /** Table headers. */
  strong(text: string): string;
  /** watch's event types. */
  put(text: string): string;
  del(text: string): string;
  /** snapshot save's progress line. */
  progress(text: string): string;
}

const same = (text: string) => text;

export const PLAIN: Palette = {
  error: same, hint: same, good: same, bad: same, notice: same, strong: same, put: same, del: same, progress: same,
};

function colours(c: ChalkInstance): Palette {
  return {
    error: (t) => c.red(t),
    hint: (t) => c.yellow(t),
    good: (t) => c.green(t),
    bad: (t) => c.red(t),
    notice: (t) => c.yellow(t),
    strong: (t) => c.bold(t),
    put: (t) => c.green(t),
    del: (t) => c.red(t),
    progress: (t) => c.cyan(t),
  };
}

/** The palettes of a run's stdout and stderr (each stream decides for itself). */
export interface Paint {
  out: Palette;
  err: Palette;
}

export const NO_PAINT: Paint = { out: PLAIN, err: PLAIN };

let coloured: Palette | undefined;

/**
 * The palettes for `io` under `mode`. The 16 basic colours only: every colour
 * terminal has them. chalk is loaded only when a stream gets colours, so that
 * output to pipes and files costs nothing at start-up.
 */
export async function paintFor(io: IO, env: NodeJS.ProcessEnv, mode: ColourMode): Promise<Paint> {
  const out = wantsColour(mode, env, isTerminal(io.stdout));
  const err = wantsColour(mode, env, isTerminal(io.stderr));
  if ((out || err) && !coloured) {
    const { Chalk } = await import('chalk');
    coloured = colours(new Chalk({ level: 1 }));
  }
  return { out: out ? coloured! : PLAIN, err: err ? coloured! : PLAIN };
}
