/**
 * replace-member: one member of three has died with its disk; the candidate
 * removes it, adds a new one and starts it. The check asks the cluster: the
 * dead member gone, the new one started on the given URLs and data dir, every
 * member answering, the data on the new one.
 */
import { mkdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { etcdProcessesUnder, stopProcess } from '../../io/procs.js';
import { shellQuote } from '../../io/shell.js';
import { sandboxClient } from '../../sandbox/client.js';
import { getFreePorts, releasePorts } from '../../sandbox/ports.js';
import { loopbackURL } from '../../sandbox/members.js';
import { writeState } from '../../sandbox/sandbox.js';
import { errorText, etcdctlFlags, missing, passed, setupError, type CheckItem, type Drill, type DrillContext } from '../drill.js';

const KEY = '/registry/namespaces/production';
const FAILED = 'infra2';
const NEW = 'infra3';

const newDataDir = (d: DrillContext) => path.join(d.dir, NEW, 'data');
const newLog = (d: DrillContext) => path.join(d.dir, NEW, 'etcd.log');
const survivors = (d: DrillContext) => d.state.members.filter((m) => m.name !== FAILED);

export const replaceMember: Drill = {
  name: 'replace-member',
  summary: 'Replace a failed member of a 3-member cluster: remove it, add a new one, start it',
  members: 3,
  tls: false,

  async setup(d, log) {
    // etcd refuses `member add` ("unhealthy cluster") until its members have
    // been connected to each other for 5 s: the drill starts once they have.
    const settled = Date.now() + 5500;
    const client = await sandboxClient(d.state);
    const failed = d.state.members.find((x) => x.name === FAILED)!;
    let failedID: string;
    try {
      await client.kv.put({ key: Buffer.from(KEY), value: Buffer.from('{"kind":"Namespace"}') });
      const list = await client.cluster.memberList({});
      const m = list.msg.members.find((x) => x.name === FAILED);
      const other = list.msg.members.find((x) => x.name !== FAILED);
      if (!m || !other) throw new Error(`no member named ${FAILED}`);
      failedID = m.ID.toString(16);
      // The member that fails is not the leader: the cluster answers at once, without an election.
      const fc = await sandboxClient(d.state, { endpoints: [failed.clientURL] });
      try {
        const st = await fc.maintenance.status({});
        if (st.msg.leader === m.ID) await fc.maintenance.moveLeader({ targetID: other.ID });
      } finally {
        fc.close();
      }
    } catch (err) {
      throw setupError('replace-member', 'reading the members', err);
    } finally {
      client.close();
    }
    const wait = settled - Date.now();
    if (wait > 0) {
      log('letting the cluster settle (etcd adds members only to a cluster whose members have been connected for 5 s)');
      await new Promise((r) => setTimeout(r, wait));
    }
    // The machine dies and its disk with it.
    if (failed.pid !== undefined) await stopProcess(failed.pid, { signal: 'SIGKILL' });
    for (const p of etcdProcessesUnder(failed.dataDir)) await stopProcess(p.pid, { signal: 'SIGKILL' });
    rmSync(failed.dataDir, { recursive: true, force: true });
    // Gone from the sandbox too: `sandbox up` must not bring it back.
    d.state.members = d.state.members.filter((x) => x !== failed);
    writeState(d.state);
    mkdirSync(path.dirname(newDataDir(d)), { recursive: true });
    const [clientPort, peerPort] = await getFreePorts(2);
    releasePorts([clientPort, peerPort]);
    return { failedID, clientURL: loopbackURL(clientPort, false), peerURL: loopbackURL(peerPort, false) };
  },

  task(d) {
    return [
      `The etcd cluster at ${survivors(d).map((m) => m.clientURL).join(',')} has lost`,
      `member ${FAILED}: its machine failed and its data is gone. Replace it with a new member, ${NEW}:`,
      '',
      `  1. remove ${FAILED} from the cluster;`,
      `  2. add ${NEW} with the peer URL ${d.params.peerURL};`,
      `  3. start etcd for ${NEW} in the background, joining the existing cluster:`,
      `       data dir    ${newDataDir(d)}`,
      `       client URL  ${d.params.clientURL} (listen and advertise)`,
      `       peer URL    ${d.params.peerURL}`,
      `       log         ${newLog(d)}`,
      '',
      `(\`member add\` prints the settings the new member starts with.)`,
    ].join('\n');
  },

  async check(d) {
    const items: CheckItem[] = [];
    const client = await sandboxClient(d.state, { endpoints: survivors(d).map((m) => m.clientURL) });
    let members;
    try {
      members = (await client.cluster.memberList({})).msg.members;
    } catch (err) {
      return [missing(`the cluster does not answer member list: ${errorText(err)}`)];
    } finally {
      client.close();
    }
    const hex = (id: bigint) => id.toString(16);
    if (members.some((m) => hex(m.ID) === d.params.failedID)) items.push(missing(`${FAILED} (${d.params.failedID}) is still a member`));
    else items.push(passed(`${FAILED} (${d.params.failedID}) is no longer a member`));
    const added = members.find((m) => m.peerURLs.includes(d.params.peerURL));
    if (!added) {
      items.push(missing(`no member has the peer URL ${d.params.peerURL}`));
      return items;
    }
    items.push(passed(`a member with the peer URL ${d.params.peerURL} was added (${hex(added.ID)})`));
    if (added.name === '') {
      items.push(missing(`the new member has not started: no etcd has joined as ${d.params.peerURL} yet`));
      return items;
    }
    if (added.name !== NEW) items.push(missing(`the new member runs under the name ${added.name}, not ${NEW}`));
    if (!added.clientURLs.includes(d.params.clientURL)) {
      items.push(missing(`the new member advertises ${added.clientURLs.join(',') || 'no client URL'}, not ${d.params.clientURL}`));
    } else if (added.name === NEW) {
      items.push(passed(`${NEW} has started and serves clients on ${d.params.clientURL}`));
    }
    const onDir = etcdProcessesUnder(newDataDir(d)).length > 0;
    if (onDir) items.push(passed(`an etcd runs with the data dir ${newDataDir(d)}`));
    else items.push(missing(`no etcd runs with the data dir ${newDataDir(d)}`));
    if (members.length !== 3) items.push(missing(`the cluster has ${members.length} members, not 3`));
    // Every member answers a linearized read: the cluster is whole again.
    const down: string[] = [];
    for (const m of members) {
      const url = m.clientURLs[0];
      if (!url) continue;
      const c = await sandboxClient(d.state, { endpoints: [url], timeout: '3s' });
      try {
        const r = await c.kv.range({ key: Buffer.from(KEY) });
        if (m === added && r.msg.kvs.length !== 1) down.push(`${m.name} does not have the cluster's data`);
      } catch (err) {
        down.push(`${m.name} (${url}): ${errorText(err)}`);
      } finally {
        c.close();
      }
    }
    if (down.length > 0) items.push(missing(`not every member is healthy: ${down.join('; ')}`));
    else items.push(passed(`all ${members.length} members answer, and ${NEW} has the cluster's data`));
    return items;
  },

  solution(d) {
    const keep = survivors(d);
    const flags = etcdctlFlags(d, keep.map((m) => m.clientURL));
    const cluster = [...keep.map((m) => `${m.name}=${m.peerURL}`), `${NEW}=${d.params.peerURL}`].join(',');
    return [
      `ETCDCTL_API=3 etcdctl ${flags} member list`,
      `ETCDCTL_API=3 etcdctl ${flags} member remove ${d.params.failedID}`,
      `ETCDCTL_API=3 etcdctl ${flags} member add ${NEW} --peer-urls=${d.params.peerURL}`,
      `etcd --name ${NEW} --data-dir ${shellQuote(newDataDir(d))} \\`,
      `  --listen-client-urls ${d.params.clientURL} --advertise-client-urls ${d.params.clientURL} \\`,
      `  --listen-peer-urls ${d.params.peerURL} --initial-advertise-peer-urls ${d.params.peerURL} \\`,
      `  --initial-cluster ${cluster} --initial-cluster-state existing \\`,
      `  > ${shellQuote(newLog(d))} 2>&1 &`,
    ];
  },
};
