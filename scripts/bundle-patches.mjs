// Changes made to libraries' code as it goes into the bundle, for start-up time only: what
// each library does stays the same, some of it is done when first needed instead of at every
// start. Each change names the exact text it replaces and the build fails when that text is
// not there (a new version of the library), rather than bundling an unpatched copy silently.
// test/bundle.patches.test.ts checks that the patched libraries give what the originals give.

/** Replaces each `[from, to]` in `source` (every `from` must occur exactly `count` times, default once). */
export function replaceExact(file, source, replacements) {
  let out = source;
  for (const [from, to, count = 1] of replacements) {
    const found = out.split(from).length - 1;
    if (found !== count) throw new Error(`${file}: expected ${count} of ${JSON.stringify(from)} to replace, found ${found}`);
    out = out.split(from).join(to);
  }
  return out;
}

/**
 * commander requires child_process when it loads, for subcommands that are separate
 * executables, which this CLI has none of; loading it (and dgram with it) cost every start
 * about a millisecond. It is required on use instead.
 */
export function lazyChildProcessInCommander(file, source) {
  return replaceExact(file, source, [[
    "const childProcess = require('node:child_process');",
    "const childProcess = { spawn: (...a) => require('node:child_process').spawn(...a) };",
  ]]);
}

/**
 * @grpc/proto-loader builds, for every definition it makes, the protobuf descriptors of the
 * message types and files (`type`, `fileDescriptorProtos`) that gRPC reflection and servers
 * use and a client never reads; for that it loads protobufjs's descriptor extension, which
 * reflects all of descriptor.proto when it loads. Together about 25 ms of every command that
 * talks to a server. Here both descriptors are computed when first read, and the extension
 * is loaded then.
 */
export function lazyDescriptorsInProtoLoader(file, source) {
  return replaceExact(file, source, [
    [
      'const descriptor = require("protobufjs/ext/descriptor");',
      'let descriptorExt;\n' +
        '// Loaded on first use: it adds toDescriptor() to protobufjs\'s reflection objects.\n' +
        'const descriptorModule = () => (descriptorExt ??= require("protobufjs/ext/descriptor"));',
    ],
    ['descriptor.FileDescriptorSet.', 'descriptorModule().FileDescriptorSet.', 2],
    [
      '    const descriptorList = root.toDescriptor(\'proto3\').file;\n' +
        '    const bufferList = descriptorList.map(value => Buffer.from(descriptor.FileDescriptorProto.encode(value).finish()));\n',
      '    let fileDescriptorList;\n' +
        '    const bufferList = () => {\n' +
        '        if (fileDescriptorList === undefined) {\n' +
        '            const descriptor = descriptorModule();\n' +
        '            fileDescriptorList = root.toDescriptor(\'proto3\').file.map(value => Buffer.from(descriptor.FileDescriptorProto.encode(value).finish()));\n' +
        '        }\n' +
        '        return fileDescriptorList;\n' +
        '    };\n',
    ],
    [
      '    const messageDescriptor = message.toDescriptor(\'proto3\');\n' +
        '    return {\n' +
        '        format: \'Protocol Buffer 3 DescriptorProto\',\n' +
        '        type: messageDescriptor.$type.toObject(messageDescriptor, descriptorOptions),\n' +
        '        fileDescriptorProtos: fileDescriptors,\n',
      '    let type;\n' +
        '    return {\n' +
        '        format: \'Protocol Buffer 3 DescriptorProto\',\n' +
        '        get type() { if (type === undefined) { descriptorModule(); const messageDescriptor = message.toDescriptor(\'proto3\'); type = messageDescriptor.$type.toObject(messageDescriptor, descriptorOptions); } return type; },\n' +
        '        get fileDescriptorProtos() { return fileDescriptors(); },\n',
    ],
    [
      '    const enumDescriptor = enumType.toDescriptor(\'proto3\');\n' +
        '    return {\n' +
        '        format: \'Protocol Buffer 3 EnumDescriptorProto\',\n' +
        '        type: enumDescriptor.$type.toObject(enumDescriptor, descriptorOptions),\n' +
        '        fileDescriptorProtos: fileDescriptors,\n',
      '    let type;\n' +
        '    return {\n' +
        '        format: \'Protocol Buffer 3 EnumDescriptorProto\',\n' +
        '        get type() { if (type === undefined) { descriptorModule(); const enumDescriptor = enumType.toDescriptor(\'proto3\'); type = enumDescriptor.$type.toObject(enumDescriptor, descriptorOptions); } return type; },\n' +
        '        get fileDescriptorProtos() { return fileDescriptors(); },\n',
    ],
  ]);
}

/** The patches: which library file each applies to, and the change. */
export const PATCHES = [
  { filter: /[\\/]commander[\\/]lib[\\/]command\.js$/, patch: lazyChildProcessInCommander },
  { filter: /[\\/]@grpc[\\/]proto-loader[\\/]build[\\/]src[\\/]index\.js$/, patch: lazyDescriptorsInProtoLoader },
];
