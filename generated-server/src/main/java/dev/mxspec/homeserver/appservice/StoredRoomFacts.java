package dev.mxspec.homeserver.appservice;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mxspec.homeserver.services.ClientEvents;
import dev.mxspec.homeserver.services.Memberships;
import dev.mxspec.homeserver.storage.AliasStore;
import dev.mxspec.homeserver.storage.RoomStore;
import java.util.ArrayList;
import java.util.List;

/** A room's joined members and aliases for {@link Interest}, as this server holds them now. */
public final class StoredRoomFacts implements Interest.RoomFacts {

    private final Memberships memberships;
    private final RoomStore rooms;
    private final AliasStore aliases;

    public StoredRoomFacts(Memberships memberships, RoomStore rooms, AliasStore aliases) {
        this.memberships = memberships;
        this.rooms = rooms;
        this.aliases = aliases;
    }

    @Override
    public List<String> joinedMembers(String roomId) {
        return memberships.joined(roomId);
    }

    /** This server's aliases of the room, and the {@code alias} and {@code alt_aliases} of its canonical alias event. */
    @Override
    public List<String> aliases(String roomId) {
        List<String> out = new ArrayList<>(aliases.aliasesOf(roomId));
        rooms.currentStateEvent(roomId, "m.room.canonical_alias", "").flatMap(rooms::event).ifPresent(e -> {
            JsonNode content = ClientEvents.parse(e.json()).path("content");
            if (content.path("alias").isTextual()) {
                out.add(content.get("alias").asText());
            }
            for (JsonNode alt : content.path("alt_aliases")) {
                if (alt.isTextual()) {
                    out.add(alt.asText());
                }
            }
        });
        return out;
    }
}
