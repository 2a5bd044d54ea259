/**
 * Whether a string is an IP address, as node:net answers, but quicker to ask
 * in a short-lived process: Node's IPv6 check is a regular expression that V8
 * compiles on its first use, about 10 ms of every start that asks, and
 * net.isIP asks it of every string that is not IPv4. A string without a colon
 * is never an IPv6 address, so only strings with one go to it.
 */
import net from 'node:net';

export function isIPv6(s: string): boolean {
  return String(s).includes(':') && net.isIPv6(s);
}

export function isIP(s: string): 0 | 4 | 6 {
  return net.isIPv4(s) ? 4 : isIPv6(s) ? 6 : 0;
}
