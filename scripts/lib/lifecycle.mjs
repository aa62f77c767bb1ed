/**
 * Stopping a long-running script and its children cleanly.
 *
 * `npm run x` runs `sh -c "node …"`; on SIGTERM npm signals only that shell,
 * which dies without passing the signal on, so this process would be left
 * running (with wrangler and workerd below it). Hence the parent watch: when
 * the process that started us is gone, shut down as if signalled.
 */
export function onShutdown(
  handler,
  { signals = ["SIGINT", "SIGTERM", "SIGHUP"], pollMs = 1000 } = {},
) {
  for (const sig of signals) process.on(sig, () => handler(`got ${sig}`));
  const parent = process.ppid;
  const timer = setInterval(() => {
    if (process.ppid !== parent) handler("the parent process exited");
  }, pollMs);
  timer.unref();
  return () => clearInterval(timer);
}
