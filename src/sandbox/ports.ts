// Free loopback TCP ports for the sandbox's members and the tests' servers.
//
// A port is found by listening on 127.0.0.1:0 and reading the port the kernel
// chose. When several ports are wanted at once, all the listeners are kept open
// until every port has been read, so the kernel cannot hand out the same port
// twice; a module-level set also keeps one process from getting a port it was
// already given (until it is released).

import net from 'node:net';

const HOST = '127.0.0.1';
const handedOut = new Set<number>();

function listenEphemeral(): Promise<net.Server> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.once('error', reject);
    srv.listen({ host: HOST, port: 0, exclusive: true }, () => resolve(srv));
  });
}

function closeServer(srv: net.Server): Promise<void> {
  return new Promise((resolve) => srv.close(() => resolve()));
}

/** Returns `count` distinct free TCP ports on 127.0.0.1. */
export async function getFreePorts(count: number): Promise<number[]> {
  if (!Number.isInteger(count) || count < 0) throw new RangeError(`bad port count: ${count}`);
  const servers: net.Server[] = [];
  const ports: number[] = [];
  try {
    let attempts = 0;
    while (ports.length < count) {
      if (++attempts > count * 20 + 20) throw new Error('could not find enough free loopback ports');
      const srv = await listenEphemeral();
      servers.push(srv); // keep it open so the kernel will not reuse the port
      const port = (srv.address() as net.AddressInfo).port;
      if (handedOut.has(port) || ports.includes(port)) continue;
      ports.push(port);
    }
  } finally {
    await Promise.all(servers.map(closeServer));
  }
  for (const p of ports) handedOut.add(p);
  return ports;
}

/** Returns one free TCP port on 127.0.0.1. */
export async function getFreePort(): Promise<number> {
  return (await getFreePorts(1))[0];
}

/** Lets ports handed out earlier be handed out again by this process. */
export function releasePorts(ports: Iterable<number>): void {
  for (const p of ports) handedOut.delete(p);
}
