package dev.mxspec.homeserver.appservice;

import dev.mxspec.homeserver.storage.Records.StoredEvent;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Which services an event interests ({@code application-service-api.md}, "Registration"): a service is interested in
 * an event when its sender, or the user its {@code state_key} names, is a local user in the service's user namespaces
 * (or is the service's own sender user); or when the service is interested in the event's room: the room ID is in its
 * room namespaces, an alias of the room (this server's aliases of it, its canonical alias and alternative aliases) is
 * in its alias namespaces, or a local user in its user namespaces (or its sender) is joined to the room. Users of
 * other servers never count, even when a user namespace's regex takes them in, as the spec's note says.
 */
public final class Interest {

    /** What a room's interest depends on, read at the time of asking. */
    public interface RoomFacts {
        /** The room's joined members. */
        List<String> joinedMembers(String roomId);

        /** The room's aliases: this server's, and those its {@code m.room.canonical_alias} names. */
        List<String> aliases(String roomId);
    }

    private final List<Registration> services;
    private final String serverName;
    private final RoomFacts facts;

    public Interest(List<Registration> services, String serverName, RoomFacts facts) {
        this.services = List.copyOf(services);
        this.serverName = serverName;
        this.facts = facts;
    }

    /** A pass over a run of events: each room's facts are read once in it. */
    public Pass pass() {
        return new Pass();
    }

    /** One pass, over events in stream order. */
    public final class Pass {
        private final Map<String, List<Registration>> byRoom = new HashMap<>();

        private Pass() {}

        /** The services interested in the event, in the order they were configured. */
        public List<Registration> interested(StoredEvent event) {
            List<Registration> out = new ArrayList<>();
            List<Registration> inRoom = null;
            for (Registration s : services) {
                boolean interested = interestedInUser(s, event.sender())
                        || event.stateKey().filter(k -> k.startsWith("@")).map(k -> interestedInUser(s, k)).orElse(false);
                if (!interested) {
                    if (inRoom == null) {
                        inRoom = byRoom.computeIfAbsent(event.roomId(), this::interestedInRoom);
                    }
                    interested = inRoom.contains(s);
                }
                if (interested) {
                    out.add(s);
                }
            }
            return out;
        }

        private List<Registration> interestedInRoom(String roomId) {
            List<Registration> out = new ArrayList<>();
            List<String> members = null;
            List<String> aliases = null;
            for (Registration s : services) {
                if (s.roomInNamespace(roomId)) {
                    out.add(s);
                    continue;
                }
                if (!s.aliases().isEmpty()) {
                    aliases = aliases == null ? facts.aliases(roomId) : aliases;
                    if (aliases.stream().anyMatch(s::aliasInNamespace)) {
                        out.add(s);
                        continue;
                    }
                }
                members = members == null ? facts.joinedMembers(roomId) : members;
                if (members.stream().anyMatch(u -> interestedInUser(s, u))) {
                    out.add(s);
                }
            }
            return out;
        }
    }

    /** A local user in the service's user namespaces, or its sender. */
    boolean interestedInUser(Registration s, String userId) {
        return userId.endsWith(":" + serverName) && (userId.equals(s.senderUserId()) || s.userInNamespace(userId));
    }
}
