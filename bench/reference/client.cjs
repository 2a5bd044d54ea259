'use strict';
// The reference for bench/startup.mjs: about the least a client built on
// @grpc/grpc-js and @grpc/proto-loader can do to read one key. One KV Range
// call, then the value on stdout. The descriptor is JSON that build.mjs made
// from proto/*.proto (protobufjs, keepCase), bundled into this file as
// 'reference-descriptor'; nothing parses .proto text when it starts.
//
// Usage (through run.cjs): node bench/reference/run.cjs HOST:PORT [KEY]
const grpc = require('@grpc/grpc-js');
const protoLoader = require('@grpc/proto-loader');
const descriptor = require('reference-descriptor');

const DEADLINE_MS = 5000;

/** Resolves to the exit status: 0 with the value printed, 1 on an error or a missing key. */
exports.main = function main(argv) {
  const [endpoint, key = 'foo'] = argv;
  if (!endpoint) {
    process.stderr.write('usage: run.cjs HOST:PORT [KEY]\n');
    return Promise.resolve(2);
  }
  const definition = protoLoader.fromJSON(descriptor, { keepCase: true, longs: String, enums: String, defaults: true });
  const { etcdserverpb } = grpc.loadPackageDefinition(definition);
  const client = new etcdserverpb.KV(endpoint.replace(/^http:\/\//, ''), grpc.credentials.createInsecure());
  return new Promise((resolve) => {
    client.Range({ key: Buffer.from(key) }, { deadline: Date.now() + DEADLINE_MS }, (err, res) => {
      client.close();
      if (err) {
        process.stderr.write(`Error: ${err.message}\n`);
        resolve(1);
      } else if (res.kvs.length === 0) {
        process.stderr.write(`Error: key not found: ${key}\n`);
        resolve(1);
      } else {
        process.stdout.write(`${res.kvs[0].value.toString()}\n`);
        resolve(0);
      }
    });
  });
};
