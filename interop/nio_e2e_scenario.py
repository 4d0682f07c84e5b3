"""An encrypted conversation with matrix-nio and olm (Debian's python3-matrix-nio, python3-olm) between users of two
federating homeservers: alice on A, bob on B, in an encrypted room; each sends a message the other decrypts.
usage: python3 nio_e2e_scenario.py <homeserver A url> <homeserver B url> <store folder>; prints one line per step,
exits non-zero on failure."""
import asyncio
import os
import sys
import time
import uuid

from nio import (AsyncClient, AsyncClientConfig, InviteMemberEvent, JoinResponse, MegolmEvent, RegisterResponse,
                 RoomCreateResponse, RoomInviteResponse, RoomMessageText, RoomSendResponse)


def check(condition, what):
    if not condition:
        print("FAILED: " + what)
        sys.exit(1)
    print("ok: " + what)


async def sync_until(client, seen, seconds=30):
    """Syncs until seen() holds; undecrypted messages are tried again after each sync (their key may come later)."""
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        await client.sync(timeout=1000, full_state=False)
        if seen():
            return True
    return False


def texts(client, room_id, collected):
    """The messages of a room the client decrypted so far, in order."""
    room_texts = []
    for event in collected.get(room_id, []):
        if isinstance(event, MegolmEvent):
            try:
                event = client.decrypt_event(event)
            except Exception:
                continue
        if isinstance(event, RoomMessageText):
            room_texts.append(event.body)
    return room_texts


def collector(client):
    collected = {}

    async def on_event(room, event):
        collected.setdefault(room.room_id, []).append(event)

    client.add_event_callback(on_event, (RoomMessageText, MegolmEvent))
    return collected


async def main(url_a, url_b, store):
    suffix = uuid.uuid4().hex[:8]
    config = AsyncClientConfig(encryption_enabled=True, store_sync_tokens=False)
    for name in ("alice", "bob"):
        os.makedirs(os.path.join(store, name), exist_ok=True)
    alice = AsyncClient(url_a, "e2e_alice_" + suffix, store_path=os.path.join(store, "alice"), config=config)
    bob = AsyncClient(url_b, "e2e_bob_" + suffix, store_path=os.path.join(store, "bob"), config=config)
    try:
        r = await alice.register("e2e_alice_" + suffix, "alice-password")
        check(isinstance(r, RegisterResponse), "alice registers on A (%s)" % type(r).__name__)
        r = await bob.register("e2e_bob_" + suffix, "bob-password")
        check(isinstance(r, RegisterResponse), "bob registers on B (%s)" % type(r).__name__)
        for client, name in ((alice, "Alice"), (bob, "Bob")):  # nio expects every joined member to have a display name
            await client.set_displayname(name)
        alice_texts = collector(alice)
        bob_texts = collector(bob)
        for client in (alice, bob):
            if client.should_upload_keys:
                await client.keys_upload()
        check(not alice.should_upload_keys and not bob.should_upload_keys, "both upload their device keys")

        created = await alice.room_create(name="secret room", initial_state=[
            {"type": "m.room.encryption", "state_key": "", "content": {"algorithm": "m.megolm.v1.aes-sha2"}}])
        check(isinstance(created, RoomCreateResponse), "alice creates an encrypted room (%s)" % type(created).__name__)
        room = created.room_id
        r = await alice.room_invite(room, bob.user_id)
        check(isinstance(r, RoomInviteResponse), "alice invites bob of the other server (%s)" % type(r).__name__)
        check(await sync_until(bob, lambda: room in bob.invited_rooms), "bob sees the invite")
        r = await bob.join(room)
        check(isinstance(r, JoinResponse), "bob joins (%s)" % type(r).__name__)
        check(await sync_until(alice, lambda: room in alice.rooms and bob.user_id in alice.rooms[room].users),
              "alice sees bob in the room")
        await bob.sync(timeout=0)
        r = await alice.joined_members(room)
        check(type(r).__name__ == "JoinedMembersResponse" and alice.rooms[room].members_synced,
              "alice lists the room's members (%s %s)" % (type(r).__name__, getattr(r, "message", "")))

        if alice.should_query_keys:
            await alice.keys_query()
        devices = [d.id for d in alice.device_store.active_user_devices(bob.user_id)]
        check(devices == [bob.device_id], "alice's query of bob's keys, through her server, finds his device")

        r = await alice.room_send(room, "m.room.message", {"msgtype": "m.text", "body": "a secret from A"},
                                  ignore_unverified_devices=True)
        check(isinstance(r, RoomSendResponse), "alice sends an encrypted message (%s)" % type(r).__name__)
        check(await sync_until(bob, lambda: "a secret from A" in texts(bob, room, bob_texts)),
              "bob decrypts it: %s" % texts(bob, room, bob_texts))

        await bob.joined_members(room)
        if bob.should_query_keys:
            await bob.keys_query()
        devices = [d.id for d in bob.device_store.active_user_devices(alice.user_id)]
        check(devices == [alice.device_id], "bob's query of alice's keys finds her device")
        r = await bob.room_send(room, "m.room.message", {"msgtype": "m.text", "body": "a secret from B"},
                                ignore_unverified_devices=True)
        check(isinstance(r, RoomSendResponse), "bob replies encrypted (%s)" % type(r).__name__)
        check(await sync_until(alice, lambda: "a secret from B" in texts(alice, room, alice_texts)),
              "alice decrypts the reply: %s" % texts(alice, room, alice_texts))
    finally:
        await alice.close()
        await bob.close()


asyncio.run(main(sys.argv[1], sys.argv[2], sys.argv[3]))
