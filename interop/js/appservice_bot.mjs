// An echo bot as an application service on matrix-bot-sdk, driven by the homeserver's BotSdkInteropTest:
//   node appservice_bot.mjs <homeserver URL> <registration as JSON> <the bot's user ID>
// The registration is the one the homeserver was started with (the test writes both); its url names the port the
// service listens on for transactions. The test and the bot talk through stdin and stdout:
//   bot:  ok: ... lines for each step, then "waiting: room"      test: the room ID, once it invited the bot's user
//   bot:  ok: ... lines, then "waiting: messages"                test: "done" once it saw what it waited for
// Every message of another user that reaches the bot in a transaction is answered in its room with "echo: <body>".
import { Appservice, LogLevel, LogService, MemoryStorageProvider } from "matrix-bot-sdk";
import { readFileSync } from "node:fs";
import readline from "node:readline";

const [homeserverUrl, registrationFile, botUserId] = process.argv.slice(2);
if (!homeserverUrl || !registrationFile || !botUserId) {
  console.error("usage: node appservice_bot.mjs <homeserver URL> <registration.json> <bot user ID>");
  process.exit(2);
}
LogService.setLevel(LogLevel.ERROR);

const registration = JSON.parse(readFileSync(registrationFile, "utf8"));
const serviceUrl = new URL(registration.url);
const input = readline.createInterface({ input: process.stdin })[Symbol.asyncIterator]();
const deadline = setTimeout(() => fail("the scenario took longer than 90 s"), 90_000);

function fail(why) {
  console.log(`FAILED: ${why}`);
  process.exit(1);
}

async function step(name, action) {
  try {
    const detail = await action();
    console.log(`ok: ${name}${detail === undefined ? "" : ` (${detail})`}`);
  } catch (e) {
    fail(`${name}: ${e?.body ? JSON.stringify(e.body) : e?.message ?? e}`);
  }
}

async function nextLine(prompt) {
  console.log(`waiting: ${prompt}`);
  const { value, done } = await input.next();
  if (done) {
    fail(`stdin closed while waiting for ${prompt}`);
  }
  return value.trim();
}

const appservice = new Appservice({
  port: Number(serviceUrl.port),
  bindAddress: serviceUrl.hostname,
  homeserverName: botUserId.substring(botUserId.indexOf(":") + 1),
  homeserverUrl,
  registration,
  storage: new MemoryStorageProvider(),
});
const intent = appservice.getIntentForUserId(botUserId);

appservice.on("room.message", async (roomId, event) => {
  if (event.sender === botUserId || event.content?.msgtype !== "m.text") {
    return;
  }
  console.log(`ok: the bot receives ${event.sender}'s message through a transaction (${event.content.body})`);
  try {
    await intent.sendText(roomId, `echo: ${event.content.body}`);
    console.log("ok: the bot answers in the room");
  } catch (e) {
    console.log(`FAILED: the bot answers in the room: ${e?.body ? JSON.stringify(e.body) : e?.message ?? e}`);
  }
});

await step("the application service listens for transactions", () => appservice.begin());
await step("the bot's user registers through its intent", async () => {
  await intent.ensureRegistered();
  const whoami = await intent.underlyingClient.getWhoAmI();
  if (whoami.user_id !== botUserId) {
    throw new Error(`whoami says ${whoami.user_id}`);
  }
  return whoami.user_id;
});
const roomId = await nextLine("room");
await step("the bot joins the room it was invited to", async () => {
  const joined = await intent.joinRoom(roomId);
  const rooms = await intent.underlyingClient.getJoinedRooms();
  if (!rooms.includes(roomId)) {
    throw new Error(`joined ${joined}, but its joined rooms are ${rooms}`);
  }
});
await step("the bot sets its display name", async () => {
  await intent.underlyingClient.setDisplayName("Echo bot");
  const profile = await intent.underlyingClient.getUserProfile(botUserId);
  if (profile.displayname !== "Echo bot") {
    throw new Error(`its profile says ${JSON.stringify(profile)}`);
  }
});
await step("the bot greets the room", () => intent.sendText(roomId, "hello, I echo what you say"));
const done = await nextLine("messages");
if (done !== "done") {
  fail(`expected done, got ${done}`);
}
await appservice.stop?.();
clearTimeout(deadline);
console.log("ok: the bot stops");
process.exit(0);
