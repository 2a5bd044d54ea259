/**
 * node:net as grpc-js sees it in the bundle (scripts/bundle.mjs points its
 * require('net') here): the same module, with the IP checks of ./ip.ts, since
 * grpc-js asks isIPv6 of every address it connects to.
 */
export * from 'node:net';
export { isIP, isIPv6 } from './ip.js';
