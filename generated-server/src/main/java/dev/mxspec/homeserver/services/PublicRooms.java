package dev.mxspec.homeserver.services;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mxspec.homeserver.storage.AppServiceDirectoryStore;
import dev.mxspec.homeserver.storage.Records.Room;
import dev.mxspec.runtime.api.MatrixException;
import dev.mxspec.runtime.json.MatrixJson;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The public room directory of this server: the rooms published in it, filtered by a search term and by room type,
 * in pages whose tokens ({@code p<offset>}) the next request gives back. Served to this server's clients and, through
 * federation, to other servers. Application services keep room lists of their own for their third-party networks
 * ({@link AppServiceDirectoryStore}): a query with {@code third_party_instance_id} lists one network's rooms (given as
 * {@code <service id>|<network id>}, the instance IDs Synapse hands out, or as a bare network ID for every service's list
 * of that network), one with {@code include_all_networks} the rooms of the server's directory and of every network's.
 */
public final class PublicRooms {

    /** The most rooms of one page. */
    static final int MAX_LIMIT = 500;
    static final long DEFAULT_LIMIT = 100;

    /**
     * What to list.
     *
     * @param limit the most rooms of the page
     * @param since the token of the page before
     * @param searchTerm words the name, topic or canonical alias must contain (case-insensitive)
     * @param roomTypes the room types to list (an empty element for rooms without a type); all when absent
     * @param thirdPartyInstanceId a third-party network to list the rooms of
     * @param allNetworks whether to list the rooms of the server's directory and of every third-party network's (the
     *     network above is not looked at then)
     */
    public record Query(Optional<Long> limit, Optional<String> since, Optional<String> searchTerm, Optional<List<Optional<String>>> roomTypes,
            Optional<String> thirdPartyInstanceId, boolean allNetworks) {

        public static Query of(Optional<Long> limit, Optional<String> since) {
            return new Query(limit, since, Optional.empty(), Optional.empty(), Optional.empty(), false);
        }

        /** The query of a {@code POST /publicRooms} body (client or federation: the same shape). */
        public static Query of(dev.mxspec.spec.v1_7.clientserver.QueryPublicRoomsRequest body) {
            Optional<List<Optional<String>>> types = body.filter().flatMap(f -> f.roomTypes())
                    .map(list -> list.stream().map(Optional::ofNullable).toList());
            return new Query(body.limit(), body.since(), body.filter().flatMap(f -> f.genericSearchTerm()), types,
                    body.thirdPartyInstanceId(), body.includeAllNetworks().orElse(false));
        }
    }

    /** Asks another server for its directory. */
    @FunctionalInterface
    public interface Remote {
        /** {@code server}'s answer to the body of a {@code POST /publicRooms}. */
        ObjectNode publicRooms(String server, ObjectNode body);
    }

    private final RoomService rooms;
    private final AppServiceDirectoryStore networkLists;
    private final String serverName;
    private volatile Remote remote = (server, body) -> {
        throw new MatrixException(404, dev.mxspec.runtime.api.ErrorCodes.M_NOT_FOUND, "the directories of other servers are not asked"
                + " (no federation)");
    };

    public PublicRooms(RoomService rooms, AppServiceDirectoryStore networkLists, String serverName) {
        this.rooms = rooms;
        this.networkLists = networkLists;
        this.serverName = serverName;
    }

    /** Where the directories of other servers are asked. */
    public void remote(Remote remote) {
        this.remote = remote;
    }

    /**
     * The directory of {@code server} (this server's when absent or this server's name): this one's listed here,
     * another's asked of it with {@code body}, the request as a {@code POST /publicRooms} body.
     */
    public ObjectNode list(Optional<String> server, Query query, ObjectNode body) {
        if (server.isEmpty() || server.get().equals(serverName)) {
            return list(query);
        }
        if (!dev.mxspec.runtime.server.PathGrammar.serverName(server.get())) {
            throw MatrixException.invalidParam("server", "not a server name");
        }
        return remote.publicRooms(server.get(), body);
    }

    /** One page of the directory, as {@code /publicRooms} answers it. */
    public ObjectNode list(Query query) {
        int offset = query.since().map(s -> s.startsWith("p") ? s.substring(1) : s).map(s -> {
            try {
                return Integer.parseInt(s);
            } catch (NumberFormatException e) {
                throw MatrixException.invalidParam("since", "not a token of this server");
            }
        }).orElse(0);
        if (offset < 0) {
            throw MatrixException.invalidParam("since", "not a token of this server");
        }
        long limit = query.limit().orElse(DEFAULT_LIMIT);
        if (limit < 0) {
            throw MatrixException.invalidParam("limit", "must not be negative");
        }
        List<ObjectNode> all = listed(query).stream()
                .map(rooms::publicRoomChunk)
                .filter(c -> query.searchTerm().map(term -> matches(c, term)).orElse(true))
                .filter(c -> query.roomTypes().map(types -> types.contains(Optional.ofNullable(c.path("room_type").textValue())))
                        .orElse(true))
                .toList();
        int size = (int) Math.max(1, Math.min(MAX_LIMIT, limit));
        List<ObjectNode> page = all.subList(Math.min(offset, all.size()), Math.min(offset + size, all.size()));
        ObjectNode response = MatrixJson.mapper().createObjectNode();
        page.forEach(response.putArray("chunk")::add);
        if (offset + size < all.size()) {
            response.put("next_batch", "p" + (offset + size));
        }
        if (offset > 0) {
            response.put("prev_batch", "p" + Math.max(0, offset - size));
        }
        response.put("total_room_count_estimate", all.size());
        return response;
    }

    /**
     * Puts a room in (or takes it out of) the list an application service keeps for one of its third-party networks;
     * {@code 404 M_NOT_FOUND} for a room this server does not know.
     */
    public void publishInNetwork(String appServiceId, String networkId, String roomId, boolean listed) {
        if (networkId.isEmpty() || networkId.indexOf('|') >= 0) {
            throw MatrixException.invalidParam("networkId", "a network ID is not empty and holds no '|' (instance IDs are <service>|<network>)");
        }
        rooms.room(roomId);
        networkLists.setAppServiceRoom(appServiceId, networkId, roomId, listed);
    }

    /** The rooms of the directory the query asks for. */
    private List<Room> listed(Query query) {
        if (query.allNetworks()) {
            return networkLists.roomsOfAllDirectories();
        }
        if (query.thirdPartyInstanceId().isEmpty()) {
            return rooms.publishedRooms();
        }
        String instance = query.thirdPartyInstanceId().get();
        int bar = instance.indexOf('|');
        return bar < 0 ? networkLists.appServiceRooms(Optional.empty(), instance)
                : networkLists.appServiceRooms(Optional.of(instance.substring(0, bar)), instance.substring(bar + 1));
    }

    private static boolean matches(ObjectNode chunk, String term) {
        String text = (chunk.path("name").asText() + " " + chunk.path("topic").asText() + " " + chunk.path("canonical_alias").asText())
                .toLowerCase(Locale.ROOT);
        return text.contains(term.toLowerCase(Locale.ROOT).strip());
    }
}
