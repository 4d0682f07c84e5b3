// A server-side key backup with matrix-js-sdk and its Rust crypto (initRustCrypto). Alice and bob talk in an encrypted
// room; alice's client makes a key backup (resetKeyBackup) and backs up the room keys of both sides, which the server
// holds only encrypted to the backup's key. Alice then logs in again on a new device, where the history cannot be read,
// enters her recovery key, restores the backup and reads the history.
// usage: node key_backup.mjs <homeserver url>; one line per step.
import * as sdk from "matrix-js-sdk";
import { check, register, startClient, until } from "./steps.mjs";
import { decodeRecoveryKey, encodeRecoveryKey } from "matrix-js-sdk/lib/crypto-api/index.js";

const url = process.argv[2];
const suffix = Math.random().toString(16).slice(2, 10);


async function login(name) {
  return sdk.createClient({ baseUrl: url }).loginRequest({ type: "m.login.password",
    identifier: { type: "m.id.user", user: name }, password: name + "-password" });
}

/** A request of the client-server API with a session's token, as JSON. */
async function api(session, path) {
  const r = await fetch(url + "/_matrix/client/v3" + path, { headers: { Authorization: "Bearer " + session.access_token } });
  return { status: r.status, body: await r.json() };
}

function message(client, roomId, body) {
  return client.getRoom(roomId)?.getLiveTimeline().getEvents()
    .find((e) => e.getType() === "m.room.message" && e.getContent().body === body);
}

async function decryptedWithin(client, roomId, body, ms = 30000) {
  return until(async () => {
    const room = client.getRoom(roomId);
    if (room) { // an event that failed to decrypt is tried again once its key may be there
      for (const e of room.getLiveTimeline().getEvents()) {
        if (e.isDecryptionFailure()) {
          await client.decryptEventIfNeeded(e, { isRetry: true });
        }
      }
    }
    return message(client, roomId, body);
  }, ms);
}

const aliceName = "js_alice_" + suffix;
const aliceFirst = await register(url, aliceName);
const alice = await startClient(url, aliceFirst, { crypto: true });
const bob = await startClient(url, await register(url, "js_bob_" + suffix), { crypto: true });
check(alice.getCrypto() !== undefined && bob.getCrypto() !== undefined, "alice and bob log in with Rust crypto");

const { room_id: roomId } = await alice.createRoom({
  name: "backed-up room", preset: "private_chat", invite: [bob.getUserId()],
  initial_state: [{ type: "m.room.encryption", state_key: "", content: { algorithm: "m.megolm.v1.aes-sha2" } }],
});
await until(() => bob.getRoom(roomId)?.getMyMembership() === "invite");
await bob.joinRoom(roomId);
check(await until(() => alice.getRoom(roomId)?.getMember(bob.getUserId())?.membership === "join"
  && bob.isRoomEncrypted(roomId)), "bob joins alice's encrypted room");

await alice.getCrypto().resetKeyBackup();
const version = await until(() => alice.getCrypto().getActiveSessionBackupVersion());
const current = await api(aliceFirst, "/room_keys/version");
check(version && current.status === 200 && current.body.version === version
  && current.body.algorithm === "m.megolm_backup.v1.curve25519-aes-sha2" && current.body.auth_data.public_key,
  "alice's client makes a key backup version and backs up to it (version " + version + ")");

await until(async () => (await alice.getCrypto().getUserDeviceInfo([bob.getUserId()], true)).get(bob.getUserId())?.size > 0);
await alice.sendMessage(roomId, { msgtype: "m.text", body: "the eagle lands at dawn" });
check(await decryptedWithin(bob, roomId, "the eagle lands at dawn"), "bob's client decrypts alice's message");
await bob.sendMessage(roomId, { msgtype: "m.text", body: "and the fox at dusk" });
check(await decryptedWithin(alice, roomId, "and the fox at dusk"), "alice's client decrypts bob's answer");

const backedUp = await until(async () => {
  const r = await api(aliceFirst, "/room_keys/keys?version=" + encodeURIComponent(version));
  const sessions = r.body.rooms?.[roomId]?.sessions ?? {};
  return Object.keys(sessions).length >= 2 ? sessions : undefined;
});
check(backedUp && Object.values(backedUp).every((k) => k.session_data.ciphertext && k.session_data.ephemeral && k.session_data.mac
  && typeof k.first_message_index === "number" && typeof k.is_verified === "boolean"),
  "both room keys reach the backup, encrypted to the backup's key");
const afterUpload = await api(aliceFirst, "/room_keys/version/" + encodeURIComponent(version));
check(afterUpload.body.count >= 2 && afterUpload.body.etag !== "0", "the backup counts its keys and has a new etag (count "
  + afterUpload.body.count + ", etag " + afterUpload.body.etag + ")");

const recoveryKey = encodeRecoveryKey(await alice.getCrypto().getSessionBackupPrivateKey());
check(recoveryKey, "alice notes her recovery key");
alice.stopClient(); // the first device is gone: nobody can share the room keys with the new login but the backup

const aliceSecond = await login(aliceName);
const alice2 = await startClient(url, aliceSecond, { crypto: true });
check(aliceSecond.device_id !== aliceFirst.device_id, "alice logs in again, on a new device");
check(await until(() => {
  const events = alice2.getRoom(roomId)?.getLiveTimeline().getEvents() ?? [];
  return events.filter((e) => e.getWireType() === "m.room.encrypted" && e.isDecryptionFailure()).length >= 2;
}), "the new login holds the history, undecryptable");

await alice2.getCrypto().storeSessionBackupPrivateKey(decodeRecoveryKey(recoveryKey), version);
const restored = await alice2.getCrypto().restoreKeyBackup();
check(restored.imported >= 2, "with the recovery key it restores the backup (" + restored.imported + " keys of " + restored.total + ")");
check(await decryptedWithin(alice2, roomId, "the eagle lands at dawn"), "the new login decrypts alice's own message");
check(await decryptedWithin(alice2, roomId, "and the fox at dusk"), "the new login decrypts bob's message");

alice2.stopClient();
bob.stopClient();
process.exit(0);
