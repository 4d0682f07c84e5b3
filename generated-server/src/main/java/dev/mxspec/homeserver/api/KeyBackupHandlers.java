package dev.mxspec.homeserver.api;

import static dev.mxspec.homeserver.api.Handlers.caller;
import static dev.mxspec.homeserver.api.Handlers.empty;
import static dev.mxspec.homeserver.api.Handlers.typed;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mxspec.homeserver.services.KeyBackups;
import dev.mxspec.runtime.api.ErrorCodes;
import dev.mxspec.runtime.api.MatrixException;
import dev.mxspec.runtime.json.MatrixJson;
import dev.mxspec.runtime.server.RequestContext;
import dev.mxspec.spec.v1_7.clientserver.GetRoomKeysResponse;
import dev.mxspec.spec.v1_7.clientserver.GetRoomKeysVersionCurrentResponse;
import dev.mxspec.spec.v1_7.clientserver.GetRoomKeysVersionResponse;
import dev.mxspec.spec.v1_7.clientserver.KeyBackupData;
import dev.mxspec.spec.v1_7.clientserver.PostRoomKeysVersionResponse;
import dev.mxspec.spec.v1_7.clientserver.RoomKeyBackup;
import dev.mxspec.spec.v1_7.clientserver.RoomKeysUpdateResponse;
import dev.mxspec.spec.v1_7.clientserver.endpoints.DeleteRoomKeyBySessionId;
import dev.mxspec.spec.v1_7.clientserver.endpoints.DeleteRoomKeys;
import dev.mxspec.spec.v1_7.clientserver.endpoints.DeleteRoomKeysByRoomId;
import dev.mxspec.spec.v1_7.clientserver.endpoints.DeleteRoomKeysVersion;
import dev.mxspec.spec.v1_7.clientserver.endpoints.GetRoomKeyBySessionId;
import dev.mxspec.spec.v1_7.clientserver.endpoints.GetRoomKeys;
import dev.mxspec.spec.v1_7.clientserver.endpoints.GetRoomKeysByRoomId;
import dev.mxspec.spec.v1_7.clientserver.endpoints.GetRoomKeysVersion;
import dev.mxspec.spec.v1_7.clientserver.endpoints.GetRoomKeysVersionCurrent;
import dev.mxspec.spec.v1_7.clientserver.endpoints.PostRoomKeysVersion;
import dev.mxspec.spec.v1_7.clientserver.endpoints.PutRoomKeyBySessionId;
import dev.mxspec.spec.v1_7.clientserver.endpoints.PutRoomKeys;
import dev.mxspec.spec.v1_7.clientserver.endpoints.PutRoomKeysByRoomId;
import dev.mxspec.spec.v1_7.clientserver.endpoints.PutRoomKeysVersion;
import dev.mxspec.spec.v1_7.clientserver.server.KeyBackupHandler;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The {@code /room_keys} operations (server-side key backups) on {@link KeyBackups}, for the caller's own backup. */
public final class KeyBackupHandlers implements KeyBackupHandler {

    private final KeyBackups backups;

    public KeyBackupHandlers(KeyBackups backups) {
        this.backups = backups;
    }

    @Override
    public PostRoomKeysVersionResponse postRoomKeysVersion(RequestContext context, PostRoomKeysVersion.Request request) {
        return new PostRoomKeysVersionResponse(backups.create(caller(context).userId(), request.body().algorithm(), request.body().authData()),
                Map.of());
    }

    @Override
    public GetRoomKeysVersionCurrentResponse getRoomKeysVersionCurrent(RequestContext context, GetRoomKeysVersionCurrent.Request request) {
        KeyBackups.Info i = backups.latest(caller(context).userId());
        return new GetRoomKeysVersionCurrentResponse(i.algorithm(), i.authData(), i.count(), i.etag(), i.version(), Map.of());
    }

    @Override
    public GetRoomKeysVersionResponse getRoomKeysVersion(RequestContext context, GetRoomKeysVersion.Request request) {
        KeyBackups.Info i = backups.info(caller(context).userId(), request.version());
        return new GetRoomKeysVersionResponse(i.algorithm(), i.authData(), i.count(), i.etag(), i.version(), Map.of());
    }

    @Override
    public JsonNode putRoomKeysVersion(RequestContext context, PutRoomKeysVersion.Request request) {
        backups.update(caller(context).userId(), request.version(), request.body().version(), request.body().algorithm(),
                request.body().authData());
        return empty();
    }

    @Override
    public JsonNode deleteRoomKeysVersion(RequestContext context, DeleteRoomKeysVersion.Request request) {
        backups.delete(caller(context).userId(), request.version());
        return empty();
    }

    @Override
    public GetRoomKeysResponse getRoomKeys(RequestContext context, GetRoomKeys.Request request) {
        Map<String, RoomKeyBackup> rooms = new LinkedHashMap<>();
        backups.keys(caller(context).userId(), request.version(), Optional.empty(), Optional.empty())
                .forEach((room, sessions) -> rooms.put(room, room(sessions)));
        return new GetRoomKeysResponse(rooms, Map.of());
    }

    /** The room's keys; a room the backup has no keys for has none ({@code {"sessions": {}}}), as the spec says. */
    @Override
    public RoomKeyBackup getRoomKeysByRoomId(RequestContext context, GetRoomKeysByRoomId.Request request) {
        Map<String, JsonNode> sessions = backups.keys(caller(context).userId(), request.version(), Optional.of(request.roomId()),
                Optional.empty()).getOrDefault(request.roomId(), Map.of());
        return room(sessions);
    }

    /** The session's key; 404 {@code M_NOT_FOUND} when the backup has none. */
    @Override
    public KeyBackupData getRoomKeyBySessionId(RequestContext context, GetRoomKeyBySessionId.Request request) {
        JsonNode key = backups.keys(caller(context).userId(), request.version(), Optional.of(request.roomId()), Optional.of(request.sessionId()))
                .getOrDefault(request.roomId(), Map.of()).get(request.sessionId());
        if (key == null) {
            throw new MatrixException(404, ErrorCodes.M_NOT_FOUND, "no key for this session in the backup");
        }
        return typed(key, KeyBackupData.class);
    }

    @Override
    public RoomKeysUpdateResponse putRoomKeys(RequestContext context, PutRoomKeys.Request request) {
        List<KeyBackups.Offered> keys = new ArrayList<>();
        request.body().rooms().forEach((room, backup) -> backup.sessions().forEach((session, key) -> keys.add(offered(room, session, key))));
        return update(backups.put(caller(context).userId(), request.version(), keys));
    }

    @Override
    public RoomKeysUpdateResponse putRoomKeysByRoomId(RequestContext context, PutRoomKeysByRoomId.Request request) {
        List<KeyBackups.Offered> keys = new ArrayList<>();
        request.body().sessions().forEach((session, key) -> keys.add(offered(request.roomId(), session, key)));
        return update(backups.put(caller(context).userId(), request.version(), keys));
    }

    @Override
    public RoomKeysUpdateResponse putRoomKeyBySessionId(RequestContext context, PutRoomKeyBySessionId.Request request) {
        return update(backups.put(caller(context).userId(), request.version(),
                List.of(offered(request.roomId(), request.sessionId(), request.body()))));
    }

    @Override
    public RoomKeysUpdateResponse deleteRoomKeys(RequestContext context, DeleteRoomKeys.Request request) {
        return update(backups.deleteKeys(caller(context).userId(), request.version(), Optional.empty(), Optional.empty()));
    }

    @Override
    public RoomKeysUpdateResponse deleteRoomKeysByRoomId(RequestContext context, DeleteRoomKeysByRoomId.Request request) {
        return update(backups.deleteKeys(caller(context).userId(), request.version(), Optional.of(request.roomId()), Optional.empty()));
    }

    @Override
    public RoomKeysUpdateResponse deleteRoomKeyBySessionId(RequestContext context, DeleteRoomKeyBySessionId.Request request) {
        return update(backups.deleteKeys(caller(context).userId(), request.version(), Optional.of(request.roomId()),
                Optional.of(request.sessionId())));
    }

    private static KeyBackups.Offered offered(String roomId, String sessionId, KeyBackupData key) {
        return new KeyBackups.Offered(roomId, sessionId, key.firstMessageIndex(), key.forwardedCount(), key.isVerified(), MatrixJson.tree(key));
    }

    private static RoomKeyBackup room(Map<String, JsonNode> sessions) {
        Map<String, KeyBackupData> typedSessions = new LinkedHashMap<>();
        sessions.forEach((session, key) -> typedSessions.put(session, typed(key, KeyBackupData.class)));
        return new RoomKeyBackup(typedSessions, Map.of());
    }

    private static RoomKeysUpdateResponse update(KeyBackups.Change change) {
        return new RoomKeysUpdateResponse(change.etag(), change.count(), Map.of());
    }
}
