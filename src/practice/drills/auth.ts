/**
 * auth: turn on authentication with a root user, and give an application a
 * user whose role may only read its own prefix. The check logs in as each
 * user and tries what each may and may not do.
 */
import { sandboxClient } from '../../sandbox/client.js';
import type { EtcdClient } from '../../client/client.js';
import { errorText, etcdctlFlags, missing, passed, setupError, type CheckItem, type Drill } from '../drill.js';

const ROOT_PASSWORD = 'practice-root';
const APP_USER = 'app';
const APP_PASSWORD = 'practice-app';
const ROLE = 'app-reader';
const PREFIX = '/app/';
const APP_KEY = '/app/config';
const OTHER_KEY = '/secret/db-password';
const PROBE = '/practice/auth/probe';

const denied = (err: unknown) => /permission denied/.test(errorText(err));

/** Runs `fn` with a client logged in as `user` (name:password); the login's failure is returned as text. */
async function as<T>(d: Parameters<Drill['check']>[0], user: string | undefined, fn: (c: EtcdClient) => Promise<T>): Promise<T | { loginFailed: string }> {
  const c = await sandboxClient(d.state, { user });
  try {
    try {
      await c.login();
    } catch (err) {
      return { loginFailed: errorText(err) };
    }
    return await fn(c);
  } finally {
    c.close();
  }
}
const failedLogin = (r: unknown): r is { loginFailed: string } => typeof r === 'object' && r !== null && 'loginFailed' in r;

export const auth: Drill = {
  name: 'auth',
  summary: 'Enable authentication with a root user and a read-only role',
  members: 1,
  tls: false,

  async setup(d) {
    const client = await sandboxClient(d.state);
    try {
      await client.kv.put({ key: Buffer.from(APP_KEY), value: Buffer.from('mode=production') });
      await client.kv.put({ key: Buffer.from(OTHER_KEY), value: Buffer.from('s3cr3t') });
    } catch (err) {
      throw setupError('auth', 'writing the keys', err);
    } finally {
      client.close();
    }
    return {};
  },

  task(d) {
    return [
      `Secure the etcd member at ${d.state.members[0].clientURL}:`,
      '',
      `  1. create the user root with the password ${ROOT_PASSWORD}, with the role root;`,
      `  2. create a role ${ROLE} that may read, and only read, the keys under ${PREFIX};`,
      `  3. create the user ${APP_USER} with the password ${APP_PASSWORD}, with the role ${ROLE};`,
      '  4. enable authentication.',
    ].join('\n');
  },

  async check(d) {
    const items: CheckItem[] = [];
    const anon = await as(d, undefined, (c) => c.kv.range({ key: Buffer.from(APP_KEY) }).then(() => 'read', (err) => errorText(err)));
    if (anon === 'read') items.push(missing('authentication is not enabled: a client without a user reads the keys'));
    else items.push(passed(`authentication is enabled (without a user: ${anon})`));

    const root = await as(d, `root:${ROOT_PASSWORD}`, async (c) => {
      await c.kv.put({ key: Buffer.from(PROBE), value: Buffer.from('ok') });
      await c.kv.deleteRange({ key: Buffer.from(PROBE) });
      const u = await c.auth.userGet({ name: APP_USER }).catch((err) => errorText(err));
      return { appRoles: typeof u === 'string' ? u : u.msg.roles };
    }).catch((err) => ({ rootFailed: errorText(err) }));
    if (failedLogin(root)) {
      items.push(missing(`root cannot log in with the password ${ROOT_PASSWORD}: ${root.loginFailed}`));
    } else if ('rootFailed' in root) {
      items.push(missing(`root cannot write: ${root.rootFailed} (root needs the role root)`));
    } else {
      items.push(passed('root logs in and may write'));
      if (typeof root.appRoles === 'string') items.push(missing(`there is no user ${APP_USER}: ${root.appRoles}`));
      else if (!root.appRoles.includes(ROLE)) items.push(missing(`${APP_USER} has the roles [${root.appRoles.join(' ')}], not ${ROLE}`));
      else items.push(passed(`${APP_USER} has the role ${ROLE}`));
    }

    const app = await as(d, `${APP_USER}:${APP_PASSWORD}`, async (c) => {
      const read = await c.kv.range({ key: Buffer.from(APP_KEY) }).then((r) => (r.msg.kvs.length === 1 ? 'ok' : 'no key'), (err) => errorText(err));
      const write = await c.kv.put({ key: Buffer.from(APP_KEY), value: Buffer.from('mode=production') }).then(() => 'ok', (err) => (denied(err) ? 'denied' : errorText(err)));
      const other = await c.kv.range({ key: Buffer.from(OTHER_KEY) }).then(() => 'ok', (err) => (denied(err) ? 'denied' : errorText(err)));
      return { read, write, other };
    });
    if (failedLogin(app)) {
      items.push(missing(`${APP_USER} cannot log in with the password ${APP_PASSWORD}: ${app.loginFailed}`));
      return items;
    }
    if (app.read === 'ok') items.push(passed(`${APP_USER} reads ${APP_KEY}`));
    else items.push(missing(`${APP_USER} cannot read ${APP_KEY}: ${app.read}`));
    if (app.write === 'denied') items.push(passed(`${APP_USER} may not write ${APP_KEY}`));
    else items.push(missing(app.write === 'ok' ? `${APP_USER} may write ${APP_KEY}: the role must be read-only` : `writing as ${APP_USER}: ${app.write}`));
    if (app.other === 'denied') items.push(passed(`${APP_USER} may not read ${OTHER_KEY}, outside ${PREFIX}`));
    else items.push(missing(app.other === 'ok' ? `${APP_USER} may read ${OTHER_KEY}: the role must cover only ${PREFIX}` : `reading ${OTHER_KEY} as ${APP_USER}: ${app.other}`));
    return items;
  },

  solution(d) {
    const e = `ETCDCTL_API=3 etcdctl ${etcdctlFlags(d)}`;
    return [
      `${e} user add root --new-user-password=${ROOT_PASSWORD}`,
      `${e} role add ${ROLE}`,
      `${e} role grant-permission ${ROLE} read ${PREFIX} --prefix=true`,
      `${e} user add ${APP_USER} --new-user-password=${APP_PASSWORD}`,
      `${e} user grant-role ${APP_USER} ${ROLE}`,
      `${e} auth enable   # gives root the role root when it has not got it`,
    ];
  },
};
