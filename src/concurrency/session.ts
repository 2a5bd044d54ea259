/**
 * A session: a lease kept alive for as long as the command runs (etcd's Go
 * client concurrency.Session). Locks and elections hang their keys on it, so
 * that a process that dies without cleaning up frees them when the lease
 * runs out.
 */
import type { EtcdClient } from '../client/client.js';
import { GO_KEEPALIVE_TIMINGS, LeaseKeeper } from '../client/keepalive.js';

export class Session {
  private constructor(
    private readonly client: EtcdClient,
    readonly lease: bigint,
    private readonly keeper: LeaseKeeper,
    /** Resolves when the lease is gone (expired, revoked, or no renewal in time). */
    readonly expired: Promise<void>,
  ) {}

  /** Grants a lease of `ttl` seconds and starts keeping it alive. */
  static async create(client: EtcdClient, ttl: number, firstResponseMs: number): Promise<Session> {
    const grant = await client.lease.leaseGrant({ TTL: ttl, ID: 0 });
    const lease = grant.msg.ID as bigint;
    const keeper = new LeaseKeeper(client, lease, () => {}, { ...GO_KEEPALIVE_TIMINGS, firstResponseMs }).start();
    const expired = keeper.done.then(
      (end) => (end === 'stopped' ? new Promise<void>(() => {}) : undefined),
      () => undefined,
    );
    return new Session(client, lease, keeper, expired);
  }

  /** Stops renewing and revokes the lease, which also removes every key on it. */
  async close(): Promise<void> {
    this.keeper.stop();
    await this.client.lease.leaseRevoke({ ID: this.lease }).catch(() => undefined);
  }
}
