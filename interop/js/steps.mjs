// What every scenario of this folder shares: one line per step ("ok: ..." or "FAILED: ..."), a logger that keeps
// matrix-js-sdk's chatter out of those lines, waiting for a condition, and matrix-js-sdk users registered and started.
import * as sdk from "matrix-js-sdk";

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

/** Registers a user named name (password: name + "-password"); its session ({access_token, user_id, device_id}). */
export function register(url, name) {
  return sdk.createClient({ baseUrl: url }).registerRequest({ username: name, password: name + "-password",
    auth: { type: "m.login.dummy" } });
}

/** A started matrix-js-sdk client of a session, with Rust crypto when crypto is true, once its first sync is done. */
export async function startClient(url, session, { crypto = false } = {}) {
  const client = sdk.createClient({ baseUrl: url, accessToken: session.access_token, userId: session.user_id,
    deviceId: session.device_id, logger: quietLogger() });
  if (crypto) {
    await client.initRustCrypto({ useIndexedDB: false });
  }
  await client.startClient({ initialSyncLimit: 20 });
  await new Promise((resolve) => {
    const ready = (state) => {
      if (state === "PREPARED" || state === "SYNCING") {
        client.removeListener(sdk.ClientEvent.Sync, ready);
        resolve();
      }
    };
    client.on(sdk.ClientEvent.Sync, ready);
  });
  return client;
}
