/**
 * nospace: a member with a small --quota-backend-bytes is filled until etcd
 * raises its NOSPACE alarm and refuses writes. The candidate compacts the
 * history, defragments and disarms; the check asks the member.
 */
import { etcdctlFlags, errorText, missing, passed, setupError, type CheckItem, type Drill, type DrillContext } from '../drill.js';
import { sandboxClient } from '../../sandbox/client.js';
import { AlarmRequest_AlarmAction, AlarmType } from '../../proto/types.gen.js';

const QUOTA = 4 * 1024 * 1024;
const KEY = '/registry/events/default/noisy-pod';
const KEPT = '/registry/deployments/default/web';
const PROBE = '/practice/nospace/probe';
const ALARM_GET = AlarmRequest_AlarmAction.GET;
const isNoSpace = (a: { alarm: number }) => a.alarm === AlarmType.NOSPACE;

export const nospace: Drill = {
  name: 'nospace',
  summary: 'Clear a NOSPACE alarm: compact the history, defragment, disarm',
  members: 1,
  tls: false,
  extraArgs: ['--quota-backend-bytes', String(QUOTA)],

  async setup(d, log) {
    const client = await sandboxClient(d.state, { timeout: '10s' });
    let lastRev = 0n;
    try {
      await client.kv.put({ key: Buffer.from(KEPT), value: Buffer.from('{"replicas":3}') });
      const value = Buffer.alloc(256 * 1024, 'x');
      log(`filling the ${QUOTA / 1024 / 1024} MiB quota with revisions of ${KEY}`);
      for (let i = 0; i < 200; i++) {
        try {
          const r = await client.kv.put({ key: Buffer.from(KEY), value });
          lastRev = BigInt(r.msg.header!.revision);
        } catch (err) {
          if (/database space exceeded/.test(errorText(err))) break;
          throw err;
        }
      }
      const alarms = await client.maintenance.alarm({ action: ALARM_GET });
      if (!alarms.msg.alarms.some(isNoSpace)) throw new Error('the NOSPACE alarm was not raised');
    } catch (err) {
      throw setupError('nospace', 'filling the quota', err);
    } finally {
      client.close();
    }
    return { lastRev: lastRev.toString() };
  },

  task(d) {
    return [
      `The etcd member at ${d.state.members[0].clientURL} refuses writes with`,
      '"etcdserver: mvcc: database space exceeded": its history has filled its',
      `${QUOTA / 1024 / 1024} MiB backend quota and it has raised the NOSPACE alarm.`,
      '',
      'Make it accept writes again without losing any key: compact the history up to the',
      'current revision, defragment the member, and clear the alarm.',
    ].join('\n');
  },

  async check(d) {
    const items: CheckItem[] = [];
    const client = await sandboxClient(d.state);
    try {
      const hk = await client.maintenance.hashKV({});
      const compacted = BigInt(hk.msg.compact_revision);
      if (compacted >= BigInt(d.params.lastRev)) items.push(passed(`the history is compacted (up to revision ${compacted})`));
      else if (compacted < 1n) items.push(missing(`the history has not been compacted (the quota was filled by revision ${d.params.lastRev})`));
      else items.push(missing(`the history is compacted only up to revision ${compacted}; the quota was filled by revision ${d.params.lastRev}`));
      const st = await client.maintenance.status({});
      const size = Number(st.msg.dbSize);
      if (size < QUOTA) items.push(passed(`the db is ${size} bytes, under its ${QUOTA}-byte quota (defragmented)`));
      else items.push(missing(`the db is still ${size} bytes, over its ${QUOTA}-byte quota: compaction frees space inside the file, defrag gives it back`));
      const alarms = await client.maintenance.alarm({ action: ALARM_GET });
      const raised = alarms.msg.alarms.some(isNoSpace);
      if (raised) items.push(missing('the NOSPACE alarm is still raised'));
      else items.push(passed('no alarm is raised'));
      if (!raised && size >= QUOTA) {
        // Not tried: etcd would refuse it and raise the alarm again, undoing the candidate's disarm.
        items.push(missing('a write would be refused: the db is over its quota, and the refused write would raise the NOSPACE alarm again'));
      } else {
        try {
          await client.kv.put({ key: Buffer.from(PROBE), value: Buffer.from('ok') });
          await client.kv.deleteRange({ key: Buffer.from(PROBE) });
          items.push(passed('a write is accepted'));
        } catch (err) {
          items.push(missing(`a write is refused: ${errorText(err)}`));
        }
      }
      const kept = await client.kv.range({ key: Buffer.from(KEPT), count_only: true });
      const noisy = await client.kv.range({ key: Buffer.from(KEY), count_only: true });
      if (Number(kept.msg.count) === 1 && Number(noisy.msg.count) === 1) items.push(passed('every key is still there'));
      else items.push(missing(`keys were lost: ${KEPT} and ${KEY} should both still exist`));
    } catch (err) {
      items.push(missing(`the member does not answer: ${errorText(err)}`));
    } finally {
      client.close();
    }
    return items;
  },

  solution(d: DrillContext) {
    const f = etcdctlFlags(d);
    return [
      `ETCDCTL_API=3 etcdctl ${f} endpoint status --write-out=table   # the REVISION column: ${d.params.lastRev}`,
      `ETCDCTL_API=3 etcdctl ${f} compaction ${d.params.lastRev}`,
      `ETCDCTL_API=3 etcdctl ${f} defrag`,
      `ETCDCTL_API=3 etcdctl ${f} alarm disarm`,
    ];
  },
};
