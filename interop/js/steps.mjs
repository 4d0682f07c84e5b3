// What every scenario of this folder shares: one line per step ("ok: ..." or "FAILED: ..."), a logger that keeps
// matrix-js-sdk's chatter out of those lines, and waiting for a condition.

/** Prints the step as passed, or as failed and ends the scenario. */
export function check(condition, what) {
  if (!condition) {
    console.log("FAILED: " + what);
    process.exit(1);
  }
  console.log("ok: " + what);
}

/** A logger for matrix-js-sdk that prints errors only (on standard error, apart from the steps). */
export function quietLogger() {
  const none = () => {};
  const logger = { trace: none, debug: none, info: none, log: none, warn: none, error: (...a) => console.error(...a) };
  logger.getChild = () => logger;
  return logger;
}

/** Polls until the value is truthy (or ms pass); returns the last value. */
export async function until(value, ms = 30000) {
  const end = Date.now() + ms;
  let v = await value();
  while (!v && Date.now() < end) {
    await new Promise((resolve) => setTimeout(resolve, 200));
    v = await value();
  }
  return v;
}
