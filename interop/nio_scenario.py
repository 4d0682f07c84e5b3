"""An everyday chat with matrix-nio (Debian's python3-matrix-nio) against the homeserver:
register two users, log in, create a room, invite, join, send, sync and read.
usage: python3 nio_scenario.py <homeserver url>; prints one line per step, exits non-zero on failure."""
import asyncio
import sys
import uuid

from nio import (AsyncClient, JoinResponse, LoginResponse, RegisterResponse, RoomCreateResponse,
                 RoomInviteResponse, RoomMessageText, RoomSendResponse, SyncResponse)


def check(condition, what):
    if not condition:
        print("FAILED: " + what)
        sys.exit(1)
    print("ok: " + what)


async def main(url):
    suffix = uuid.uuid4().hex[:8]
    alice = AsyncClient(url, "nio_alice_" + suffix)
    bob = AsyncClient(url, "nio_bob_" + suffix)
    try:
        r = await alice.register("nio_alice_" + suffix, "alice-password")
        check(isinstance(r, RegisterResponse), "alice registers (%s)" % type(r).__name__)
        r = await bob.register("nio_bob_" + suffix, "bob-password")
        check(isinstance(r, RegisterResponse), "bob registers")
        r = await alice.login("alice-password")
        check(isinstance(r, LoginResponse), "alice logs in (%s)" % type(r).__name__)
        created = await alice.room_create(name="nio room")
        check(isinstance(created, RoomCreateResponse), "alice creates a room (%s)" % type(created).__name__)
        room = created.room_id
        r = await alice.room_invite(room, bob.user_id)
        check(isinstance(r, RoomInviteResponse), "alice invites bob (%s)" % type(r).__name__)
        s = await bob.sync(timeout=3000)
        check(isinstance(s, SyncResponse) and room in s.rooms.invite, "bob sees the invite in sync")
        r = await bob.join(room)
        check(isinstance(r, JoinResponse), "bob joins (%s)" % type(r).__name__)
        await bob.sync(timeout=0)
        r = await alice.room_send(room, "m.room.message", {"msgtype": "m.text", "body": "hello from nio"})
        check(isinstance(r, RoomSendResponse), "alice sends a message (%s)" % type(r).__name__)
        s = await bob.sync(timeout=5000, since=bob.next_batch)
        texts = [e.body for e in s.rooms.join[room].timeline.events if isinstance(e, RoomMessageText)] if room in s.rooms.join else []
        check(texts == ["hello from nio"], "bob reads it through sync: %s" % texts)
        r = await bob.room_read_markers(room, s.rooms.join[room].timeline.events[-1].event_id)
        check(type(r).__name__ == "RoomReadMarkersResponse", "bob marks it read (%s)" % type(r).__name__)
    finally:
        await alice.close()
        await bob.close()


asyncio.run(main(sys.argv[1]))
