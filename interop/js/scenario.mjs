// An everyday chat with matrix-js-sdk against the homeserver: register two users, log in, create a room,
// invite, join, send, sync and read. usage: node scenario.mjs <homeserver url>; one line per step.
import * as sdk from "matrix-js-sdk";

const url = process.argv[2];
const suffix = Math.random().toString(16).slice(2, 10);

function check(condition, what) {
  if (!condition) {
    console.log("FAILED: " + what);
    process.exit(1);
  }
  console.log("ok: " + what);
}

async function register(name) {
  const client = sdk.createClient({ baseUrl: url });
  const r = await client.registerRequest({ username: name, password: name + "-password", auth: { type: "m.login.dummy" } });
  return r;
}

function waitFor(client, predicate, what, ms = 10000) {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error("timed out waiting for " + what)), ms);
    const check = (event, room) => {
      if (predicate(event, room)) {
        clearTimeout(timer);
        client.removeListener(sdk.RoomEvent.Timeline, check);
        resolve(event);
      }
    };
    client.on(sdk.RoomEvent.Timeline, check);
  });
}

const alice = await register("js_alice_" + suffix);
check(alice.user_id.startsWith("@js_alice_"), "alice registers");
const bobReg = await register("js_bob_" + suffix);
check(bobReg.user_id.startsWith("@js_bob_"), "bob registers");

const aliceClient = sdk.createClient({ baseUrl: url });
const login = await aliceClient.loginRequest({ type: "m.login.password", identifier: { type: "m.id.user", user: "js_alice_" + suffix }, password: "js_alice_" + suffix + "-password" });
check(login.access_token, "alice logs in");
const a = sdk.createClient({ baseUrl: url, accessToken: login.access_token, userId: login.user_id, deviceId: login.device_id });
const b = sdk.createClient({ baseUrl: url, accessToken: bobReg.access_token, userId: bobReg.user_id, deviceId: bobReg.device_id });

const { room_id: roomId } = await a.createRoom({ name: "js room", preset: "private_chat" });
check(roomId.startsWith("!"), "alice creates a room");
await a.invite(roomId, bobReg.user_id);
check(true, "alice invites bob");

await a.startClient({ initialSyncLimit: 10 });
await b.startClient({ initialSyncLimit: 10 });
await new Promise((resolve) => b.once(sdk.ClientEvent.Sync, (state) => resolve(state)));
const invited = b.getRoom(roomId);
check(invited && invited.getMyMembership() === "invite", "bob's client sees the invite");
await b.joinRoom(roomId);
check(true, "bob joins");

const arrived = waitFor(b, (event, room) => room && room.roomId === roomId && event.getType() === "m.room.message", "the message");
await a.sendTextMessage(roomId, "hello from js");
const event = await arrived;
check(event.getContent().body === "hello from js", "bob's client receives the message live");
await b.sendReadReceipt(event);
check(true, "bob sends a read receipt");

a.stopClient();
b.stopClient();
process.exit(0);
