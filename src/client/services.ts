/**
 * The typed face of the client: one object per etcd service, one method per
 * RPC, named as in the .proto files in lower camel case:
 *
 *   await client.kv.range({ key })            -> Reply<RangeResponse>
 *   await client.cluster.memberList()         -> Reply<MemberListResponse>
 *   const s = await client.watch.watch({ hasleader: 'true' })   (a stream)
 *
 * Request and response types come from proto/ (src/proto/types.gen.ts). A
 * failed call throws GrpcError, which is already the error etcdctl ends with.
 */
import { METHOD_NAMES, STREAMING, type Input, type Methods } from '../proto/types.gen.js';
import type { CallOptions, EtcdStream, Reply } from './client.js';

type Unary<M> = M extends { request: infer Q; response: infer R } ? (request?: Input<Q>, opts?: CallOptions) => Promise<Reply<R>> : never;
type Streaming = (metadata?: Record<string, string>) => Promise<EtcdStream>;

/** The methods of one service. */
export type ServiceClient<S extends keyof Methods> = {
  [K in keyof Methods[S] & string as Uncapitalize<K>]: Methods[S][K] extends { requestStream: false; responseStream: false } ? Unary<Methods[S][K]> : Streaming;
};

/** What the facade needs of the client under it. */
export interface Caller {
  call(name: string, request: object, opts?: CallOptions): Promise<Reply>;
  stream(name: string, metadata?: Record<string, string>): Promise<EtcdStream>;
}

const uncapitalize = (s: string) => s[0].toLowerCase() + s.slice(1);

/** The facade of one service over `caller`. */
export function serviceClient<S extends keyof Methods>(caller: Caller, service: S): ServiceClient<S> {
  const out: Record<string, unknown> = {};
  for (const rpc of METHOD_NAMES[service]) {
    const name = `${service}.${rpc}`;
    out[uncapitalize(rpc)] = STREAMING.includes(name)
      ? (metadata?: Record<string, string>) => caller.stream(name, metadata)
      : (request?: object, opts?: CallOptions) => caller.call(name, request ?? {}, opts);
  }
  return out as ServiceClient<S>;
}
