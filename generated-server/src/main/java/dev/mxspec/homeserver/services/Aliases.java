package dev.mxspec.homeserver.services;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mxspec.homeserver.core.Caller;
import dev.mxspec.homeserver.core.Ids;
import dev.mxspec.homeserver.core.Namespaces;
import dev.mxspec.homeserver.services.RoomService.Draft;
import dev.mxspec.homeserver.storage.AliasStore;
import dev.mxspec.runtime.api.ErrorCodes;
import dev.mxspec.runtime.api.MatrixException;
import java.util.List;
import java.util.Optional;

/**
 * Room aliases of this server: resolving, creating, deleting, and the check of
 * {@code m.room.canonical_alias} content. An alias may be deleted by the user who created it, by a
 * member with the power to send {@code m.room.canonical_alias} in its room, or by a server
 * administrator; deleting the room's canonical alias removes it from that event. Application services hold aliases
 * ({@link Namespaces}): one may create and delete the aliases of its alias namespaces (and no others), without the
 * permissions above; nobody else may create or delete an alias of a service's exclusive namespace ({@code M_EXCLUSIVE}).
 */
public final class Aliases {

    private final AliasStore storage;
    private final RoomService rooms;
    private final String serverName;

    public Aliases(AliasStore storage, RoomService rooms, String serverName) {
        this.storage = storage;
        this.rooms = rooms;
        this.serverName = serverName;
    }

    /** The room an alias points to; {@code M_NOT_FOUND} when none. */
    public String resolve(String alias) {
        return resolveWithServers(alias).roomId();
    }

    /** A room an alias points to, with servers that hold it (to join it through). */
    public record Resolved(String roomId, java.util.List<String> servers) {}

    /** Asks the server of an alias of another server which room it points to (federation's directory query). */
    @FunctionalInterface
    public interface RemoteDirectory {
        /** The room and servers; empty when the alias's server knows no such alias. */
        java.util.Optional<Resolved> query(String alias);
    }

    private volatile java.util.Optional<RemoteDirectory> remote = java.util.Optional.empty();

    /** Lets aliases of other servers be resolved by asking them (set when federation runs). */
    public void remoteDirectory(RemoteDirectory directory) {
        this.remote = java.util.Optional.of(directory);
    }

    /** Asks the application services about an alias of this server that does not exist (they may make it). */
    @FunctionalInterface
    public interface AppServiceAliases {
        /** True when a service made the alias; may fail with {@code 408} when a service did not answer. */
        boolean madeByService(String alias);
    }

    private volatile java.util.Optional<AppServiceAliases> appServices = java.util.Optional.empty();

    /** Lets application services make aliases of their namespaces on demand (set when services are configured). */
    public void appServiceAliases(AppServiceAliases services) {
        this.appServices = java.util.Optional.of(services);
    }

    /**
     * The room an alias points to and servers to reach it through: this server's own aliases from storage (after asking
     * the application services whose namespace holds an unknown one), another server's by asking it when federation
     * runs; {@code M_NOT_FOUND} when none.
     */
    public Resolved resolveWithServers(String alias) {
        Ids.requireRoomAlias(alias, "room_alias");
        java.util.Optional<String> local = storage.alias(alias);
        boolean ours = alias.endsWith(":" + serverName);
        if (local.isEmpty() && ours && appServices.isPresent() && appServices.get().madeByService(alias)) {
            local = storage.alias(alias);
        }
        if (local.isPresent()) {
            return new Resolved(local.get(), java.util.List.of(serverName));
        }
        return (ours ? java.util.Optional.<Resolved>empty() : remote.flatMap(d -> d.query(alias)))
                .orElseThrow(() -> new MatrixException(404, ErrorCodes.M_NOT_FOUND, "unknown room alias " + alias));
    }

    private volatile Namespaces namespaces = Namespaces.NONE;

    /** The application services' namespaces (set when services are configured). */
    public void namespaces(Namespaces namespaces) {
        this.namespaces = namespaces;
    }

    /**
     * {@code 400 M_EXCLUSIVE} when the caller may not create (or delete) the alias for the application services' sake: a
     * service outside its alias namespaces or in another's exclusive one, anyone else in any service's exclusive one.
     */
    public void requireNotHeld(String alias, Caller caller) {
        Namespaces held = namespaces;
        if (caller.appServiceId().isPresent() && !held.aliasInNamespaceOf(caller.appServiceId().get(), alias)) {
            throw new MatrixException(400, ErrorCodes.M_EXCLUSIVE, "the application service has not reserved this kind of alias");
        }
        if (held.aliasHeldBy(alias, caller.appServiceId()).isPresent()) {
            throw new MatrixException(400, ErrorCodes.M_EXCLUSIVE, "this alias is reserved by an application service");
        }
    }

    /** Fails with {@code M_ROOM_IN_USE} when the alias is taken, before a room is made for it. */
    public void requireFree(String alias) {
        Ids.requireRoomAlias(alias, "room_alias_name");
        if (storage.alias(alias).isPresent()) {
            throw new MatrixException(400, ErrorCodes.M_ROOM_IN_USE, "room alias " + alias + " already exists");
        }
    }

    /** Fails with 409 when the alias exists (the answer of {@code PUT /directory/room/{alias}} for a taken alias). */
    public void requireUnused(String alias) {
        Ids.requireRoomAlias(alias, "room_alias");
        if (storage.alias(alias).isPresent()) {
            throw new MatrixException(409, ErrorCodes.M_UNKNOWN, "room alias " + alias + " already exists");
        }
    }

    public void create(String alias, String roomId, String creator) {
        Ids.requireRoomAlias(alias, "room_alias");
        if (!alias.endsWith(":" + serverName)) {
            throw new MatrixException(400, ErrorCodes.M_INVALID_PARAM, "aliases on this server end with :" + serverName);
        }
        rooms.room(roomId);
        if (!storage.createAlias(alias, roomId, creator)) {
            throw new MatrixException(409, ErrorCodes.M_UNKNOWN, "room alias " + alias + " already exists");
        }
    }

    /** Deletes an alias when the caller may, and takes it out of its room's canonical alias event. */
    public void delete(String alias, Caller caller) {
        String roomId = resolve(alias);
        String userId = caller.userId();
        if (!caller.isAppService()) { // a service manages the aliases of its namespaces whoever made them
            boolean creator = storage.aliasCreator(alias).map(userId::equals).orElse(false);
            if (!creator && !rooms.serverAdmin(userId) && !maySetCanonicalAlias(roomId, userId)) {
                throw MatrixException.forbidden("only the alias's creator, a room member who may change the canonical alias, "
                        + "or a server administrator may delete it");
            }
        }
        requireNotHeld(alias, caller);
        storage.deleteAlias(alias);
        withoutAlias(roomId, alias).ifPresent(content -> {
            try {
                rooms.send(userId, Optional.of(caller.transactionScope()), roomId, Draft.state("m.room.canonical_alias", "", content),
                        Optional.empty());
            } catch (MatrixException refused) {
                // the alias's creator may lack the power to change the event: the alias is gone, the event names a dead alias
            }
        });
    }

    public List<String> of(String roomId) {
        return storage.aliasesOf(roomId);
    }

    private boolean maySetCanonicalAlias(String roomId, String userId) {
        if (rooms.membership(roomId, userId).filter("join"::equals).isEmpty()) {
            return false;
        }
        var levels = rooms.powerLevels(roomId);
        return levels.userLevel(userId) >= levels.eventLevel("m.room.canonical_alias", true);
    }

    /** The room's canonical alias content without {@code alias}, when it names it. */
    private Optional<ObjectNode> withoutAlias(String roomId, String alias) {
        ObjectNode event = rooms.stateJson(roomId).get(List.of("m.room.canonical_alias", ""));
        if (event == null) {
            return Optional.empty();
        }
        ObjectNode content = event.path("content").deepCopy();
        boolean named = false;
        if (alias.equals(content.path("alias").asText(null))) {
            content.remove("alias");
            named = true;
        }
        if (content.path("alt_aliases") instanceof ArrayNode alt) {
            for (int i = alt.size() - 1; i >= 0; i--) {
                if (alias.equals(alt.get(i).asText(null))) {
                    alt.remove(i);
                    named = true;
                }
            }
        }
        return named ? Optional.of(content) : Optional.empty();
    }

    /**
     * Checks the content of a new {@code m.room.canonical_alias}: {@code alias} and every
     * {@code alt_aliases} entry must be a valid alias that points to this room
     * ({@code M_BAD_ALIAS} otherwise, as the spec says; {@code M_INVALID_PARAM} for a malformed one).
     */
    public void checkCanonicalAlias(String roomId, JsonNode content) {
        JsonNode alias = content.path("alias");
        if (!alias.isMissingNode() && !alias.isNull()) {
            checkPointsHere(roomId, alias, "alias");
        }
        JsonNode alt = content.path("alt_aliases");
        if (!alt.isMissingNode()) {
            if (!alt.isArray()) {
                throw MatrixException.badJson("alt_aliases must be a list of room aliases");
            }
            for (JsonNode a : alt) {
                checkPointsHere(roomId, a, "alt_aliases");
            }
        }
    }

    private void checkPointsHere(String roomId, JsonNode alias, String field) {
        if (!alias.isTextual()) {
            throw MatrixException.badJson(field + " must hold room aliases (strings)");
        }
        Ids.requireRoomAlias(alias.asText(), field);
        if (!storage.alias(alias.asText()).map(roomId::equals).orElse(false)) {
            throw new MatrixException(400, "M_BAD_ALIAS", "room alias " + alias.asText() + " does not point to this room");
        }
    }
}
