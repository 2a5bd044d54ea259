'use strict';
// The floor for bench/startup.mjs: what grpc-js alone costs to read one key,
// with no message definitions at all. One KV Range call whose request is
// written out as bytes (field 1, the key) and whose reply is not decoded; its
// length goes to stdout. Whatever a client built on grpc-js does, it starts
// no faster than this.
//
// Usage (through run.cjs): node bench/reference/run.cjs --floor HOST:PORT [KEY]
const grpc = require('@grpc/grpc-js');

const DEADLINE_MS = 5000;

exports.main = function main(argv) {
  const [endpoint, key = 'foo'] = argv;
  if (!endpoint) {
    process.stderr.write('usage: run.cjs --floor HOST:PORT [KEY]\n');
    return Promise.resolve(2);
  }
  const keyBytes = Buffer.from(key);
  if (keyBytes.length > 127) {
    process.stderr.write('floor: keys up to 127 bytes\n');
    return Promise.resolve(2);
  }
  const request = Buffer.concat([Buffer.from([0x0a, keyBytes.length]), keyBytes]);
  const client = new grpc.Client(endpoint.replace(/^http:\/\//, ''), grpc.credentials.createInsecure());
  const same = (b) => b;
  return new Promise((resolve) => {
    client.makeUnaryRequest('/etcdserverpb.KV/Range', same, same, request, { deadline: Date.now() + DEADLINE_MS }, (err, reply) => {
      client.close();
      if (err) {
        process.stderr.write(`Error: ${err.message}\n`);
        resolve(1);
      } else {
        process.stdout.write(`${reply.length}\n`);
        resolve(0);
      }
    });
  });
};
