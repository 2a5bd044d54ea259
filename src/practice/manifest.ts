/**
 * The member's static pod manifest, as kubeadm writes /etc/kubernetes/manifests/etcd.yaml:
 * the drills write one beside the sandbox (the place a candidate looks up the
 * endpoint and the certificate files), and the restore drill reads back where
 * an edited one puts the member's data on the host.
 *
 * Paths are the host's own on both sides of each mount (kubeadm mounts
 * /var/lib/etcd and /etc/kubernetes/pki/etcd at the same paths), so the flags
 * in the command work as written on this machine.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { pkiPaths } from '../sandbox/pki.js';
import type { SandboxMember, SandboxState } from '../sandbox/sandbox.js';

/** Where the drills put the manifest. */
export function manifestPath(dir: string): string {
  return path.join(dir, 'manifests', 'etcd.yaml');
}

/** The member's etcd flags in the manifest's `--name=value` form (its logging flags left out). */
function commandFlags(args: string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (a.includes('=')) out.push(a);
    else if (i + 1 < args.length && !args[i + 1].startsWith('--')) out.push(`${a}=${args[++i]}`);
    else out.push(a);
  }
  return out.filter((f) => !/^--(logger|log-outputs)(=|$)/.test(f)).sort();
}

const yamlValue = (v: string) => (/^[\w./:@,=-]+$/.test(v) ? v : JSON.stringify(v));

/** Writes the manifest of `m`, the sandbox's single member. */
export function writeManifest(state: SandboxState, m: SandboxMember): string {
  const file = manifestPath(state.dir);
  const lines = [
    'apiVersion: v1',
    'kind: Pod',
    'metadata:',
    '  annotations:',
    `    kubeadm.kubernetes.io/etcd.advertise-client-urls: ${yamlValue(m.clientURL)}`,
    '  labels:',
    '    component: etcd',
    '    tier: control-plane',
    '  name: etcd',
    '  namespace: kube-system',
    'spec:',
    '  containers:',
    '  - command:',
    '    - etcd',
    ...commandFlags(m.args).map((f) => `    - ${yamlValue(f)}`),
    `    image: registry.k8s.io/etcd:3.5.15-0`,
    '    name: etcd',
    '    volumeMounts:',
    `    - mountPath: ${yamlValue(m.dataDir)}`,
    '      name: etcd-data',
  ];
  if (state.tls) lines.push(`    - mountPath: ${yamlValue(pkiPaths(state.dir).dir)}`, '      name: etcd-certs');
  lines.push('  hostNetwork: true', '  volumes:');
  if (state.tls) {
    lines.push('  - hostPath:', `      path: ${yamlValue(pkiPaths(state.dir).dir)}`, '      type: DirectoryOrCreate', '    name: etcd-certs');
  }
  lines.push('  - hostPath:', `      path: ${yamlValue(m.dataDir)}`, '      type: DirectoryOrCreate', '    name: etcd-data');
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, lines.join('\n') + '\n');
  return file;
}

/** The `key: value` pairs of each item of the list under `header:` (one level of the manifest's YAML). */
function listItems(lines: string[], header: string): Record<string, string>[] {
  const start = lines.findIndex((l) => new RegExp(`^\\s*${header}:\\s*$`).test(l));
  if (start < 0) return [];
  const indent = lines[start].search(/\S/);
  const items: Record<string, string>[] = [];
  for (let i = start + 1; i < lines.length; i++) {
    const l = lines[i];
    if (l.trim() === '' || l.trim().startsWith('#')) continue;
    const at = l.search(/\S/);
    const item = l.slice(at).startsWith('- ');
    if (at < indent || (at === indent && !item)) break;
    if (at === indent && item) items.push({});
    const m = /^\s*(?:-\s+)?([A-Za-z]+):\s*(.*?)\s*$/.exec(l);
    if (m && items.length > 0 && m[2] !== '') items[items.length - 1][m[1]] = unquote(m[2]);
  }
  return items;
}

function unquote(v: string): string {
  if (v.length >= 2 && (v[0] === '"' || v[0] === "'") && v[v.length - 1] === v[0]) {
    return v[0] === '"' ? (JSON.parse(v) as string) : v.slice(1, -1).replace(/''/g, "'");
  }
  return v;
}

/** Where the manifest at `file` keeps the member's data on the host, or why it cannot be told. */
export function manifestDataDir(file: string): { dataDir: string } | { problem: string } {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    return { problem: `cannot read ${file}: ${(err as Error).message}` };
  }
  const lines = text.split('\n');
  const flag = lines.map((l) => /^\s*-\s+["']?--data-dir=(.*?)["']?\s*$/.exec(l)).find((m) => m);
  if (!flag) return { problem: `${file} has no --data-dir flag in the etcd command` };
  const inContainer = flag[1];
  const mounts = listItems(lines, 'volumeMounts');
  const volumes = listItems(lines, 'volumes');
  // The mount that holds the data dir: the longest mountPath it lies under.
  let best: Record<string, string> | undefined;
  for (const mnt of mounts) {
    const mp = mnt.mountPath;
    if (!mp) continue;
    const rel = path.posix.relative(mp, inContainer);
    if (rel.startsWith('..') || path.posix.isAbsolute(rel)) continue;
    if (!best || mp.length > best.mountPath.length) best = mnt;
  }
  if (!best) return { problem: `the manifest's --data-dir=${inContainer} lies in no volume mount: the pod's data would not be on the host` };
  const vol = volumes.find((v) => v.name === best!.name);
  if (!vol || !vol.path) return { problem: `the manifest mounts ${best.mountPath} from volume ${best.name ?? '(unnamed)'}, which has no hostPath` };
  return { dataDir: path.join(vol.path, path.posix.relative(best.mountPath, inContainer)) };
}
