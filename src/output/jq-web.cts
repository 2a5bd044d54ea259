/**
 * jq-web, required on first use (--jq only). CommonJS for the same reason as
 * src/go/cli-table.cts: a plain require works both in the compiled tests and
 * in the bundle, where scripts/bundle.mjs points it at the copy of jq-web's
 * loader shipped beside the bundle (the loader finds jq.wasm in its folder).
 * jq-web's export is a promise of the loaded module; importing it would make
 * a namespace object that looks like a promise and is not one.
 */
export function jqWeb(): Promise<unknown> {
  return require('jq-web') as Promise<unknown>;
}
