// An encrypted conversation with matrix-js-sdk and its Rust crypto (initRustCrypto): alice on the first homeserver,
// bob on the second (or the same one, given once). Alice makes an encrypted room and invites bob; bob joins; each
// sends a message the other's client decrypts. The server sees only m.room.encrypted events: device keys are queried
// and one-time keys claimed across servers, and the room keys travel as to-device messages between them. Then alice
// sets up cross-signing, and bob's client follows her keys.
// usage: node encrypted_chat.mjs <homeserver url of alice> [<homeserver url of bob>]; one line per step.
import * as sdk from "matrix-js-sdk";
import { check, register, startClient, until } from "./steps.mjs";

const urlA = process.argv[2];
const urlB = process.argv[3] ?? urlA;
const suffix = Math.random().toString(16).slice(2, 10);


/** The first decrypted message of the room with this body, as the client's timeline holds it. */
function decrypted(client, roomId, body) {
  const room = client.getRoom(roomId);
  if (!room) {
    return undefined;
  }
  return room.getLiveTimeline().getEvents().find((e) => e.getType() === "m.room.message" && e.getContent().body === body);
}

async function decryptedWithin(client, roomId, body, ms = 30000) {
  return until(async () => {
    const room = client.getRoom(roomId);
    if (room) { // a message that arrived before its key is decrypted again once the key is there
      for (const e of room.getLiveTimeline().getEvents()) {
        if (e.isDecryptionFailure()) {
          await client.decryptEventIfNeeded(e, { isRetry: true });
        }
      }
    }
    return decrypted(client, roomId, body);
  }, ms);
}

const alice = await startClient(urlA, await register(urlA, "js_alice_" + suffix), { crypto: true });
check(alice.getCrypto() !== undefined, "alice logs in with Rust crypto");
const bob = await startClient(urlB, await register(urlB, "js_bob_" + suffix), { crypto: true });
check(bob.getCrypto() !== undefined, "bob logs in with Rust crypto" + (urlB === urlA ? "" : " on the other server"));

const { room_id: roomId } = await alice.createRoom({
  name: "secret room", preset: "private_chat", invite: [bob.getUserId()],
  initial_state: [{ type: "m.room.encryption", state_key: "", content: { algorithm: "m.megolm.v1.aes-sha2" } }],
});
check(roomId, "alice creates an encrypted room and invites bob");
check(await until(() => bob.getRoom(roomId)?.getMyMembership() === "invite"), "bob's client sees the invite");
await bob.joinRoom(roomId);
check(await until(() => alice.getRoom(roomId)?.getMember(bob.getUserId())?.membership === "join"), "bob joins; alice's client sees him");
check(await until(() => bob.isRoomEncrypted(roomId)), "bob's client knows the room is encrypted");

const devices = await until(async () => {
  const map = await alice.getCrypto().getUserDeviceInfo([bob.getUserId()], true);
  return map.get(bob.getUserId())?.size > 0 ? map : undefined;
});
check(devices, "alice's client finds bob's device keys");

const sent = await alice.sendMessage(roomId, { msgtype: "m.text", body: "the eagle lands at dawn" });
const raw = await alice.fetchRoomEvent(roomId, sent.event_id);
check(raw.type === "m.room.encrypted" && !JSON.stringify(raw.content).includes("eagle"), "the server holds only ciphertext");
const seenByBob = await decryptedWithin(bob, roomId, "the eagle lands at dawn");
check(seenByBob, "bob's client decrypts alice's message");
check(seenByBob.getWireType() === "m.room.encrypted" && seenByBob.getSender() === alice.getUserId(), "it came encrypted, from alice");

await bob.sendMessage(roomId, { msgtype: "m.text", body: "and the fox at dusk" });
check(await decryptedWithin(alice, roomId, "and the fox at dusk"), "alice's client decrypts bob's answer");

// Cross-signing: alice bootstraps it (her first keys go up without her password, as MSC3967 allows), bob's client
// finds her keys and sees her device signed by her self-signing key; resetting them takes her password (user-interactive
// auth), and bob's client notices her new identity.
let passwordAsked = 0;
const withPassword = async (makeRequest) => {
  try {
    return await makeRequest(null);
  } catch (e) {
    if (e.httpStatus !== 401 || !e.data?.flows) {
      throw e;
    }
    passwordAsked++;
    return await makeRequest({ type: "m.login.password", identifier: { type: "m.id.user", user: alice.getUserId() },
      password: alice.getUserId().slice(1, alice.getUserId().indexOf(":")) + "-password", session: e.data.session });
  }
};
// her master key as the server answers it (her client's own view can lag: a key query answered while an upload waits
// for her password makes it drop the new private keys until the next query)
const masterOnServer = async () => {
  const r = await alice.http.authedRequest(sdk.Method.Post, "/keys/query", undefined, { device_keys: { [alice.getUserId()]: [] } });
  return JSON.stringify(r.master_keys?.[alice.getUserId()]?.keys);
};
await alice.getCrypto().bootstrapCrossSigning({ authUploadDeviceSigningKeys: withPassword });
const firstMaster = await masterOnServer();
check(firstMaster && passwordAsked === 0, "alice bootstraps cross-signing without her password");
check(await until(() => bob.getCrypto().userHasCrossSigningKeys(alice.getUserId(), true)), "bob's client finds alice's cross-signing keys");
check(await until(async () => (await bob.getCrypto().getDeviceVerificationStatus(alice.getUserId(), alice.getDeviceId()))?.signedByOwner),
  "bob's client sees alice's device signed by her self-signing key");
await alice.getCrypto().bootstrapCrossSigning({ setupNewCrossSigning: true, authUploadDeviceSigningKeys: withPassword });
const secondMaster = await masterOnServer();
check(passwordAsked === 1 && secondMaster && secondMaster !== firstMaster, "resetting her cross-signing keys takes alice's password");
check(await until(async () => (await bob.getCrypto().getUserVerificationStatus(alice.getUserId())).needsUserApproval),
  "bob's client notices alice's new identity");

alice.stopClient();
bob.stopClient();
process.exit(0);
