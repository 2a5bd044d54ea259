/**
 * auth: turn on authentication with a root user, and give an application a
 * user whose role may only read its own prefix. The check logs in as each
 * user and tries what each may and may not do.
 */
import { sandboxClient } from '../../sandbox/client.js';
import type { EtcdClient } from '../../client/client.js';
import { Permission_Type, type Permission } from '../../proto/types.gen.js';
import { errorText, etcdctlFlags, missing, passed, setupError, type CheckItem, type Drill } from '../drill.js';

const ROOT_PASSWORD = 'practice-root';
const APP_USER = 'app';
const APP_PASSWORD = 'practice-app';
const ROLE = 'app-reader';
const PREFIX = '/app/';
const APP_KEY = '/app/config';
const OTHER_KEY = '/secret/db-password';
const PROBE = '/practice/auth/probe';

/** The end of the range of keys under `prefix` (etcd's --prefix). */
function prefixEnd(prefix: string): Buffer {
  const b = Buffer.from(prefix);
  b[b.length - 1]++;
  return b;
}

/** Whether the permissions are exactly read on PREFIX. */
function readsOnlyPrefix(perms: Permission[]): boolean {
  return perms.length === 1 && perms[0].permType === Permission_Type.READ
    && Buffer.from(perms[0].key).equals(Buffer.from(PREFIX)) && Buffer.from(perms[0].range_end).equals(prefixEnd(PREFIX));
}

const PERM_NAMES = ['read', 'write', 'readwrite'];

function permText(p: Permission): string {
  const key = Buffer.from(p.key).toString();
  const end = Buffer.from(p.range_end ?? []);
  const what = end.length === 0 ? key : end.equals(prefixEnd(key)) ? `the prefix ${key}` : `[${key}, ${end.toString()})`;
  return `${PERM_NAMES[p.permType] ?? p.permType} on ${what}`;
}

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
    const authOn = anon !== 'read';

    // The users and the role, read as root once auth is on.
    const facts = await as(d, authOn ? `root:${ROOT_PASSWORD}` : undefined, async (c) => {
      const text = (err: unknown) => errorText(err);
      return {
        root: await c.auth.userGet({ name: 'root' }).then((r) => r.msg.roles, text),
        app: await c.auth.userGet({ name: APP_USER }).then((r) => r.msg.roles, text),
        role: await c.auth.roleGet({ role: ROLE }).then((r) => r.msg.perm, text),
      };
    });
    if (failedLogin(facts)) {
      items.push(missing(`root cannot log in with the password ${ROOT_PASSWORD}: ${facts.loginFailed}`));
    } else {
      if (typeof facts.root === 'string') items.push(missing(`there is no user root: ${facts.root}`));
      else if (facts.root.includes('root')) items.push(passed('the user root has the role root'));
      else if (facts.root.length === 0) items.push(missing(`the user root has no role yet: it needs the role root (etcdctl's auth enable gives it)`));
      else items.push(missing(`the user root has the roles ${facts.root.join(', ')}, not root`));
      if (typeof facts.role === 'string') items.push(missing(`there is no role ${ROLE}: ${facts.role}`));
      else if (readsOnlyPrefix(facts.role)) items.push(passed(`the role ${ROLE} may read the keys under ${PREFIX}, and nothing else`));
      else items.push(missing(`the role ${ROLE} has ${facts.role.length === 0 ? 'no permission' : facts.role.map(permText).join(', ')}; it should have only read on the prefix ${PREFIX}`));
      if (typeof facts.app === 'string') items.push(missing(`there is no user ${APP_USER}: ${facts.app}`));
      else if (facts.app.includes(ROLE)) items.push(passed(`the user ${APP_USER} has the role ${ROLE}`));
      else if (facts.app.length === 0) items.push(missing(`the user ${APP_USER} has no role: grant it ${ROLE}`));
      else items.push(missing(`the user ${APP_USER} has the roles ${facts.app.join(', ')}, not ${ROLE}`));
    }
    if (!authOn) {
      items.push(missing('authentication is not enabled: a client without a user reads the keys'));
      return items;
    }
    items.push(passed(`authentication is enabled (without a user: ${anon})`));

    // What each user may do, tried.
    const root = await as(d, `root:${ROOT_PASSWORD}`, async (c) => {
      await c.kv.put({ key: Buffer.from(PROBE), value: Buffer.from('ok') });
      await c.kv.deleteRange({ key: Buffer.from(PROBE) });
      return 'ok';
    }).catch((err) => errorText(err));
    if (root === 'ok') items.push(passed('root logs in and writes'));
    else if (!failedLogin(root)) items.push(missing(`root cannot write: ${root}`));
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
