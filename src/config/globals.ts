/**
 * etcdctl's global flags, their ETCDCTL_* variables and how the two combine.
 *
 * A flag given on the command line wins over its variable. (etcdctl 3.4+
 * refuses to run when both are set; that breaks cron jobs and probes that
 * export ETCDCTL_* once and add flags per call, so here the flag simply wins.)
 * A variable whose value does not parse is ignored, as etcdctl ignores it.
 */
import type { FlagSpec, FlagValue } from './flags.js';
import { FlagValueError, parseFlagValue } from './flags.js';

const SECOND = 1e9;

export const GLOBAL_FLAGS: FlagSpec[] = [
  { name: 'endpoints', type: 'stringSlice', default: ['127.0.0.1:2379'], usage: 'gRPC endpoints' },
  { name: 'debug', type: 'bool', default: false, usage: 'enable client-side debug logging' },
  { name: 'write-out', short: 'w', type: 'string', default: 'simple', usage: 'set the output format (fields, json, protobuf, simple, table)' },
  { name: 'hex', type: 'bool', default: false, usage: 'print byte strings as hex encoded strings' },
  { name: 'dial-timeout', type: 'duration', default: 2 * SECOND, usage: 'dial timeout for client connections' },
  { name: 'command-timeout', type: 'duration', default: 5 * SECOND, usage: 'timeout for short running command (excluding dial timeout)' },
  { name: 'keepalive-time', type: 'duration', default: 2 * SECOND, usage: 'keepalive time for client connections' },
  { name: 'keepalive-timeout', type: 'duration', default: 6 * SECOND, usage: 'keepalive timeout for client connections' },
  { name: 'insecure-transport', type: 'bool', default: true, usage: 'disable transport security for client connections' },
  { name: 'insecure-discovery', type: 'bool', default: true, usage: 'accept insecure SRV records describing cluster endpoints' },
  { name: 'insecure-skip-tls-verify', type: 'bool', default: false, usage: 'skip server certificate verification (CAUTION: this option should be enabled only for testing purposes)' },
  { name: 'cert', type: 'string', default: '', usage: 'identify secure client using this TLS certificate file' },
  { name: 'key', type: 'string', default: '', usage: 'identify secure client using this TLS key file' },
  { name: 'cacert', type: 'string', default: '', usage: 'verify certificates of TLS-enabled secure servers using this CA bundle' },
  { name: 'user', type: 'string', default: '', usage: 'username[:password] for authentication (prompt if password is not supplied)' },
  { name: 'password', type: 'string', default: '', usage: 'password for authentication (if this option is used, --user option shouldn\'t include password)' },
  { name: 'discovery-srv', short: 'd', type: 'string', default: '', usage: 'domain name to query for SRV records describing cluster endpoints' },
  { name: 'discovery-srv-name', type: 'string', default: '', usage: 'service name to query when using DNS discovery' },
  // etcdctl-ts's own.
  { name: 'jq', type: 'string', default: '', usage: 'filter the JSON output with a jq expression and print its results (implies --write-out=json)', ours: true },
  { name: 'color', type: 'string', default: 'auto', usage: 'colour the output for a terminal: auto, always or never (auto honours NO_COLOR and FORCE_COLOR)', ours: true },
];

export interface GlobalOptions {
  endpoints: string[];
  debug: boolean;
  writeOut: string;
  hex: boolean;
  /** Durations in nanoseconds. */
  dialTimeout: number;
  commandTimeout: number;
  keepaliveTime: number;
  keepaliveTimeout: number;
  insecureTransport: boolean;
  insecureDiscovery: boolean;
  insecureSkipTlsVerify: boolean;
  cert: string;
  key: string;
  cacert: string;
  user: string;
  password: string;
  discoverySrv: string;
  discoverySrvName: string;
  /** --jq: the jq filter for the JSON output, or ''. */
  jq: string;
  /** --color: auto, always or never (checked when the output is set up). */
  color: string;
  /** Names of the flags that were given on the command line (not from the environment). */
  given: Set<string>;
  /** Names of the flags whose value came from an ETCDCTL_* variable. */
  fromEnv: Set<string>;
  /** ETCDCTL_* variables that name no global flag (etcdctl warns about them). */
  unknownEnv: string[];
  /**
   * What --debug dumps besides the globals: the command's inherited flags
   * (endpoint's --cluster), as `ETCDCTL_NAME=value`; undefined for a command
   * that dumps nothing (etcdctl's endpoint health).
   */
  debugExtra?: string[];
}

export function envName(flag: string): string {
  return 'ETCDCTL_' + flag.toUpperCase().replace(/-/g, '_');
}

export function camel(flag: string): string {
  return flag.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());
}

/** etcdctl takes ETCDCTL_API out of the environment before it looks at the rest. */
const KNOWN_NON_FLAG_ENV = new Set(['ETCDCTL_API']);

/**
 * Combines the values parsed from the command line (`cli`, keyed by flag name,
 * absent when not given) with the environment and the defaults.
 */
export function resolveGlobals(
  cli: Map<string, FlagValue>,
  env: NodeJS.ProcessEnv,
  specs: FlagSpec[] = GLOBAL_FLAGS,
): GlobalOptions {
  const values: Record<string, FlagValue> = {};
  const given = new Set<string>();
  const fromEnv = new Set<string>();
  for (const spec of specs) {
    const key = camel(spec.name);
    if (cli.has(spec.name)) {
      values[key] = cli.get(spec.name)!;
      given.add(spec.name);
      continue;
    }
    const raw = env[envName(spec.name)];
    if (raw !== undefined && raw !== '') {
      try {
        values[key] = parseFlagValue(spec, raw);
        fromEnv.add(spec.name);
        continue;
      } catch (err) {
        if (!(err instanceof FlagValueError)) throw err;
      }
    }
    values[key] = Array.isArray(spec.default) ? [...spec.default] : spec.default;
  }
  // As etcd's pkg/flags: in the environment's order, every ETCDCTL_ variable
  // that set nothing, including a flag's that is empty. (A flag's variable
  // that the flag itself overrides is passed over: etcdctl stops there.)
  const flagEnvNames = new Set(specs.map((s) => envName(s.name)));
  const unknownEnv = Object.keys(env)
    .filter((k) => k.startsWith('ETCDCTL_') && !KNOWN_NON_FLAG_ENV.has(k) && !(flagEnvNames.has(k) && env[k] !== ''))
    .map((k) => `${k}=${env[k]}`);
  return { ...(values as unknown as GlobalOptions), given, fromEnv, unknownEnv };
}
