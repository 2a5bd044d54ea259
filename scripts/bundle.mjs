// Bundles the CLI into one file, dist/bundle/cli.mjs. Loading one module
// instead of dozens is most of what keeps start-up close to `node -e 0`.
// (Splitting into lazily loaded chunks was measured too: it helps `version`
// but makes `get` slower, and `get` is the command that matters.)
import { build } from 'esbuild';

await build({
  entryPoints: ['src/cli.ts'],
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  outfile: 'dist/bundle/cli.mjs',
  logLevel: 'warning',
  // Bundled CommonJS dependencies (commander) call require() for Node's built-ins.
  banner: { js: "import { createRequire as __etcdctlTsRequire } from 'node:module'; const require = __etcdctlTsRequire(import.meta.url);" },
});
