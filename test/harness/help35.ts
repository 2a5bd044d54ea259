/**
 * etcdctl 3.4.23's help page of a sub-command, as etcdctl 3.5 prints it, plus
 * the flags etcdctl-ts adds. The template (NAME / USAGE / OPTIONS / GLOBAL
 * OPTIONS) is the same; only these flag lines differ, and none is wider than
 * the widest flag of its section, so the tab stops do not move.
 */
export function subcommandHelpAs35(s: string): string {
  if (s.includes('NAME:\n\tget - Gets the key or a range of keys\n')) {
    // 3.5.0 added --count-only.
    s = s.replace('      --consistency="l"\t\t\tLinearizable(l) or Serializable(s)\n', '$&      --count-only[=false]\t\tGet only the count\n');
    // etcdctl-ts also takes etcdctl 3.6's revision filters (see the README).
    s = s.replace(
      '      --limit=0\t\t\t\tMaximum number of results\n',
      '$&      --max-create-rev=0\t\tMaximum create revision\n      --max-mod-rev=0\t\t\tMaximum modify revision\n' +
        '      --min-create-rev=0\t\tMinimum create revision\n      --min-mod-rev=0\t\t\tMinimum modify revision\n',
    );
  }
  if (s.includes('NAME:\n\tdel - Removes the specified key or range of keys [key, range_end)\n')) {
    // 3.5.6 added --range.
    s = s.replace('      --prev-kv[=false]\t\treturn deleted key-value pairs\n', '$&      --range[=false]\t\tdelete range of keys\n');
  }
  if (s.includes('NAME:\n\twatch - Watches events stream on keys or prefixes\n')) {
    // 3.5.0 added --progress-notify.
    s = s.replace('      --prev-kv[=false]\t\tget the previous key-value pair before the event happens\n', '$&      --progress-notify[=false]\tget periodic watch progress notification from server\n');
  }
  return s;
}
