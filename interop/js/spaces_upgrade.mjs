// Spaces and room upgrades with matrix-js-sdk. Alice makes a space holding a room; bob's client browses the space's
// hierarchy and joins the room from it. Alice upgrades the room; bob's client sees the tombstone, follows it to the
// replacement room, finds the old room as its predecessor and talks on there; then finds what was said by searching.
// usage: node spaces_upgrade.mjs <homeserver url>; one line per step.
import * as sdk from "matrix-js-sdk";
import { check, register, startClient, until } from "./steps.mjs";

const url = process.argv[2];
const suffix = Math.random().toString(16).slice(2, 10);


const alice = await startClient(url, await register(url, "js_alice_" + suffix));
const bob = await startClient(url, await register(url, "js_bob_" + suffix));
const server = alice.getUserId().split(":").slice(1).join(":");

const { room_id: spaceId } = await alice.createRoom({ name: "Tea club", preset: "public_chat", creation_content: { type: "m.space" } });
const { room_id: roomId } = await alice.createRoom({ name: "Kettles", preset: "public_chat" });
await alice.sendStateEvent(spaceId, "m.space.child", { via: [server], suggested: true }, roomId);
await alice.sendStateEvent(roomId, "m.space.parent", { via: [server], canonical: true }, spaceId);

const hierarchy = await bob.getRoomHierarchy(spaceId, 10, 2, false);
const listed = hierarchy.rooms.map((r) => r.room_id);
const space = hierarchy.rooms.find((r) => r.room_id === spaceId);
check(listed.includes(spaceId) && listed.includes(roomId) && space?.room_type === "m.space"
  && space.children_state.some((c) => c.state_key === roomId && c.content.suggested === true),
  "bob's client browses the space's hierarchy and finds its room");
await bob.joinRoom(roomId, { viaServers: [server] });
check(await until(() => alice.getRoom(roomId)?.getMember(bob.getUserId())?.membership === "join"), "bob joins the room from the space");

const { replacement_room: replacement } = await alice.upgradeRoom(roomId, "10");
check(replacement && replacement !== roomId, "alice upgrades the room to version 10");
const tombstone = await until(() => bob.getRoom(roomId)?.currentState.getStateEvents("m.room.tombstone", ""));
check(tombstone?.getContent().replacement_room === replacement, "bob's client sees the tombstone naming the replacement");

await bob.joinRoom(replacement, { viaServers: [server] });
const upgraded = await until(() => {
  const r = bob.getRoom(replacement);
  return r?.getMyMembership() === "join" ? r : undefined;
});
check(upgraded?.findPredecessor()?.roomId === roomId, "bob follows it: the replacement names the old room as its predecessor");
const history = bob.getRoomUpgradeHistory(replacement);
check(history.map((r) => r.roomId).join(" ") === roomId + " " + replacement, "the client puts the two rooms in one history");
check(upgraded.currentState.getStateEvents("m.room.name", "")?.getContent().name === "Kettles", "the name came along");

await bob.sendMessage(replacement, { msgtype: "m.text", body: "new kettle, same tea" });
check(await until(() => alice.getRoom(replacement)?.getLiveTimeline().getEvents()
  .some((e) => e.getType() === "m.room.message" && e.getContent().body === "new kettle, same tea")), "they talk on in the new room");

const found = await until(async () => {
  const r = await bob.searchRoomEvents({ term: "kettle" });
  return r.results.some((x) => x.context.getEvent().getContent().body === "new kettle, same tea") ? r : undefined;
});
check(found && found.results.every((x) => x.context.getEvent().getRoomId() === replacement || x.context.getEvent().getRoomId() === roomId),
  "bob's client searches and finds the message");

alice.stopClient();
bob.stopClient();
process.exit(0);
