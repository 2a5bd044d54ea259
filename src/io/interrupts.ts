/** Stopping long-running commands on Ctrl-C (SIGINT) or SIGTERM. */

/** An AbortController aborted by the first SIGINT or SIGTERM, and a promise of that moment. */
export function abortOnSignal(): { controller: AbortController; interrupted: Promise<void> } {
  const controller = new AbortController();
  const interrupted = new Promise<void>((resolve) => {
    const handler = () => {
      controller.abort();
      resolve();
    };
    process.once('SIGINT', handler);
    process.once('SIGTERM', handler);
  });
  return { controller, interrupted };
}
