/**
 * What a practice drill is: an exam-style task set up on a sandbox, a check
 * that looks only at the cluster and the files (so the real etcdctl, ours or
 * any other client may solve it), and the commands a candidate would type.
 */
import { SandboxError } from '../sandbox/errors.js';
import type { SandboxState } from '../sandbox/sandbox.js';
import { shellQuote } from '../io/shell.js';
import { pkiPaths } from '../sandbox/pki.js';

export interface Drill {
  name: string;
  /** One line for `practice list`. */
  summary: string;
  /** The sandbox it runs on. */
  members: 1 | 3;
  tls: boolean;
  /** Extra etcd flags of the sandbox's members. */
  extraArgs?: string[];
  /** Seeds the cluster and writes the drill's files; returns what the task, check and solution need. */
  setup(d: DrillContext, log: (line: string) => void): Promise<Params>;
  /** The task, in the exam's wording, with this sandbox's addresses and paths. */
  task(d: DrillContext): string;
  /** Each thing the task asks for, in order: passed or missing and why. */
  check(d: DrillContext): Promise<CheckItem[]>;
  /** The shell lines a candidate would type to solve it. */
  solution(d: DrillContext): string[];
}

export type Params = Record<string, string>;

export interface DrillContext {
  /** The practice folder (the sandbox's folder too). */
  dir: string;
  state: SandboxState;
  params: Params;
  env: NodeJS.ProcessEnv;
}

export interface CheckItem {
  ok: boolean;
  text: string;
}

export const passed = (text: string): CheckItem => ({ ok: true, text });
export const missing = (text: string): CheckItem => ({ ok: false, text });

/** A drill step that went wrong while setting up (not the candidate's doing). */
export function setupError(drill: string, what: string, err: unknown): SandboxError {
  return new SandboxError(`practice ${drill}: could not set the drill up: ${what}: ${(err as Error).message ?? String(err)}`);
}

/** `--endpoints=... [--cacert=... --cert=... --key=...]` for a candidate's etcdctl line. */
export function etcdctlFlags(d: DrillContext, endpoints: string[] = d.state.members.map((m) => m.clientURL)): string {
  const parts = [`--endpoints=${endpoints.join(',')}`];
  if (d.state.tls) {
    const pki = pkiPaths(d.dir);
    parts.push(`--cacert=${shellQuote(pki.ca)}`, `--cert=${shellQuote(pki.client)}`, `--key=${shellQuote(pki.clientKey)}`);
  }
  return parts.join(' ');
}

/** The message of an error from the client layer, without its "Error: " framing. */
export function errorText(err: unknown): string {
  const e = err as { details?: string; message?: string };
  return e.details ?? e.message ?? String(err);
}
