// Free loopback ports: the sandbox's own finder (src/sandbox/ports.ts), shared with the tests.
export { getFreePort, getFreePorts, releasePorts } from '../../src/sandbox/ports.js';
