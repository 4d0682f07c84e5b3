package dev.mxspec.homeserver.services;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mxspec.homeserver.core.Caller;
import dev.mxspec.homeserver.rooms.PowerLevels;
import dev.mxspec.homeserver.services.RoomService.Draft;
import dev.mxspec.homeserver.storage.AliasStore;
import dev.mxspec.homeserver.storage.Records.StoredEvent;
import dev.mxspec.runtime.api.ErrorCodes;
import dev.mxspec.runtime.api.MatrixException;
import dev.mxspec.runtime.json.MatrixJson;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Room upgrades ({@code POST /rooms/{roomId}/upgrade}), in the order of the spec's "Server behaviour": the upgrader
 * must be allowed to send {@code m.room.tombstone}; the replacement room's create event names its predecessor (the
 * last event of the old room) and copies its {@code type}; the transferable state and the bans are copied (the
 * upgrader holds, while the state is copied, the power it takes to send it, then the old levels are set); the local
 * aliases and the directory listing move; the old room gets its tombstone and power levels that stop talk and invites.
 * When a user joins the replacement room, his tags of the old room follow him.
 */
public final class RoomUpgrades implements RoomService.LocalEvents {

    /** The state the spec recommends carrying over (membership aside), and the join rules' and history's settings. */
    static final List<String> TRANSFERRED = List.of("m.room.server_acl", "m.room.encryption", "m.room.name", "m.room.avatar",
            "m.room.topic", "m.room.guest_access", "m.room.history_visibility", "m.room.join_rules");

    private final RoomService rooms;
    private final AliasStore aliases;
    private final UserStreams streams;
    private final ConcurrentHashMap<String, ReentrantLock> upgrading = new ConcurrentHashMap<>();

    public RoomUpgrades(RoomService rooms, AliasStore aliases, UserStreams streams) {
        this.rooms = rooms;
        this.aliases = aliases;
        this.streams = streams;
    }

    /** Upgrades the room; the replacement room's ID. */
    public String upgrade(Caller caller, String roomId, String newVersion) {
        if (!rooms.rules().supportedVersions().contains(newVersion)) {
            throw new MatrixException(400, ErrorCodes.M_UNSUPPORTED_ROOM_VERSION, "room version " + newVersion + " is not supported");
        }
        ReentrantLock lock = upgrading.computeIfAbsent(roomId, r -> new ReentrantLock());
        lock.lock();
        try {
            rooms.requireMember(roomId, caller.userId());
            Map<List<String>, ObjectNode> state = rooms.stateJson(roomId);
            PowerLevels levels = rooms.powerLevels(roomId);
            if (levels.userLevel(caller.userId()) < levels.eventLevel("m.room.tombstone", true)) {
                throw MatrixException.forbidden("upgrading the room takes the power to send m.room.tombstone ("
                        + levels.eventLevel("m.room.tombstone", true) + "); " + caller.userId() + " has " + levels.userLevel(caller.userId()));
            }
            ObjectNode tombstone = state.get(List.of("m.room.tombstone", ""));
            if (tombstone != null && tombstone.path("content").path("replacement_room").isTextual()) {
                throw new MatrixException(400, "M_BAD_STATE", "the room was already replaced by "
                        + tombstone.path("content").path("replacement_room").asText());
            }
            String replacement = rooms.create(caller.userId(), newVersion, replacementState(caller.userId(), roomId, newVersion, state, levels),
                    rooms.published(roomId));
            moveAliases(caller, roomId, replacement, state);
            rooms.publish(roomId, false);
            rooms.send(caller.userId(), Optional.empty(), roomId, Draft.state("m.room.tombstone", "", MatrixJson.mapper().createObjectNode()
                    .put("body", "This room has been replaced").put("replacement_room", replacement)), Optional.empty());
            restrictOldRoom(caller, roomId, levels);
            return replacement;
        } finally {
            lock.unlock();
        }
    }

    private List<Draft> replacementState(String upgrader, String roomId, String version, Map<List<String>, ObjectNode> state, PowerLevels old) {
        List<Draft> events = new ArrayList<>();
        ObjectNode create = MatrixJson.mapper().createObjectNode();
        ObjectNode oldCreate = Optional.ofNullable(state.get(List.of("m.room.create", ""))).map(e -> (ObjectNode) e.path("content"))
                .orElseGet(MatrixJson.mapper()::createObjectNode);
        create.put("creator", upgrader);
        create.put("room_version", version);
        for (String copied : List.of("type", "m.federate")) {
            if (oldCreate.has(copied)) {
                create.set(copied, oldCreate.get(copied));
            }
        }
        String last = rooms.history(roomId, 0, Long.MAX_VALUE, 1, true).stream().findFirst().map(StoredEvent::eventId)
                .orElseThrow(() -> new MatrixException(400, "M_BAD_STATE", "the room has no events to follow on from"));
        create.putObject("predecessor").put("room_id", roomId).put("event_id", last);
        events.add(Draft.state("m.room.create", "", create));
        events.add(Draft.state("m.room.member", upgrader, rooms.memberContent(upgrader, "join")));
        ObjectNode levels = Optional.ofNullable(state.get(List.of("m.room.power_levels", ""))).map(e -> ((ObjectNode) e.path("content")).deepCopy())
                .orElse(null);
        if (levels != null) {
            long needed = needed(old);
            if (old.userLevel(upgrader) < needed) { // enough power to copy the state, then the old levels exactly
                ObjectNode raised = levels.deepCopy();
                raised.withObjectProperty("users").put(upgrader, needed);
                events.add(Draft.state("m.room.power_levels", "", raised));
            } else {
                events.add(Draft.state("m.room.power_levels", "", levels));
                levels = null;
            }
        }
        for (String type : TRANSFERRED) {
            ObjectNode e = state.get(List.of(type, ""));
            if (e != null && e.path("content").isObject() && !e.path("content").isEmpty()) {
                events.add(Draft.state(type, "", ((ObjectNode) e.path("content")).deepCopy()));
            }
        }
        for (Map.Entry<List<String>, ObjectNode> e : state.entrySet()) {
            if (e.getKey().getFirst().equals("m.room.member") && e.getValue().path("content").path("membership").asText().equals("ban")) {
                ObjectNode ban = MatrixJson.mapper().createObjectNode().put("membership", "ban");
                JsonNode reason = e.getValue().path("content").path("reason");
                if (reason.isTextual()) {
                    ban.set("reason", reason);
                }
                events.add(Draft.state("m.room.member", e.getKey().get(1), ban));
            }
        }
        if (levels != null) {
            events.add(Draft.state("m.room.power_levels", "", levels));
        }
        return events;
    }

    /** The power it takes to send every state event the copy sends. */
    private static long needed(PowerLevels levels) {
        long needed = Math.max(levels.stateDefault(), levels.ban());
        for (long level : levels.events().values()) {
            needed = Math.max(needed, level);
        }
        return needed;
    }

    private void moveAliases(Caller caller, String roomId, String replacement, Map<List<String>, ObjectNode> state) {
        for (String alias : aliases.aliasesOf(roomId)) {
            String creator = aliases.aliasCreator(alias).orElse(caller.userId());
            aliases.deleteAlias(alias);
            aliases.createAlias(alias, replacement, creator);
        }
        ObjectNode canonical = state.get(List.of("m.room.canonical_alias", ""));
        if (canonical != null && canonical.path("content").isObject() && !canonical.path("content").isEmpty()) {
            trySend(caller, replacement, Draft.state("m.room.canonical_alias", "", ((ObjectNode) canonical.path("content")).deepCopy()));
            trySend(caller, roomId, Draft.state("m.room.canonical_alias", "", MatrixJson.mapper().createObjectNode()));
        }
    }

    /** Talking and inviting in the old room take {@code max(50, users_default + 1)} from now on, when the upgrader may say so. */
    private void restrictOldRoom(Caller caller, String roomId, PowerLevels levels) {
        long restricted = Math.max(50, levels.usersDefault() + 1);
        ObjectNode content = rooms.stateEvent(roomId, "m.room.power_levels", "")
                .map(e -> ((ObjectNode) ClientEvents.parse(e.json()).path("content")).deepCopy())
                .orElseGet(MatrixJson.mapper()::createObjectNode);
        if (content.path("events_default").asLong(0) >= restricted && content.path("invite").asLong(0) >= restricted) {
            return;
        }
        content.put("events_default", Math.max(restricted, content.path("events_default").asLong(0)));
        content.put("invite", Math.max(restricted, content.path("invite").asLong(0)));
        trySend(caller, roomId, Draft.state("m.room.power_levels", "", content));
    }

    /** An event the upgrade would like to send but can do without (the upgrader may lack the power for it). */
    private void trySend(Caller caller, String roomId, Draft draft) {
        try {
            rooms.send(caller.userId(), Optional.empty(), roomId, draft, Optional.empty());
        } catch (MatrixException refused) {
            // the upgrade stands without it
        }
    }

    /** A local user joining a replacement room takes his tags of the predecessor room with him. */
    @Override
    public void stored(String roomId, String eventId, ObjectNode pdu) {
        if (!pdu.path("type").asText().equals("m.room.member") || !pdu.path("content").path("membership").asText().equals("join")
                || !rooms.localUser(pdu.path("state_key").asText())) {
            return;
        }
        String userId = pdu.path("state_key").asText();
        rooms.predecessor(roomId).flatMap(old -> streams.accountData(userId, old, "m.tag"))
                .filter(tags -> streams.accountData(userId, roomId, "m.tag").isEmpty())
                .ifPresent(tags -> streams.setAccountData(userId, roomId, "m.tag", tags));
    }
}
