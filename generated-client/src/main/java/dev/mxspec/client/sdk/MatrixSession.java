package dev.mxspec.client.sdk;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mxspec.runtime.api.ErrorCodes;
import dev.mxspec.runtime.api.MatrixException;
import dev.mxspec.runtime.client.MatrixHttpClient;
import dev.mxspec.runtime.json.MatrixJson;
import dev.mxspec.spec.v1_7.clientserver.AuthenticationData;
import dev.mxspec.spec.v1_7.clientserver.ClientEvent;
import dev.mxspec.spec.v1_7.clientserver.CreateRoomRequest;
import dev.mxspec.spec.v1_7.clientserver.CreateRoomRequestPreset;
import dev.mxspec.spec.v1_7.clientserver.GetRoomEventsDir;
import dev.mxspec.spec.v1_7.clientserver.InviteUserRequest;
import dev.mxspec.spec.v1_7.clientserver.JoinRoomRequest;
import dev.mxspec.spec.v1_7.clientserver.LeaveRoomRequest;
import dev.mxspec.spec.v1_7.clientserver.LoginRequest;
import dev.mxspec.spec.v1_7.clientserver.LoginRequestType;
import dev.mxspec.spec.v1_7.clientserver.PostReceiptReceiptType;
import dev.mxspec.spec.v1_7.clientserver.PostReceiptRequest;
import dev.mxspec.spec.v1_7.clientserver.RefreshRequest;
import dev.mxspec.spec.v1_7.clientserver.RegisterRequest;
import dev.mxspec.spec.v1_7.clientserver.client.ClientServerClient;
import dev.mxspec.spec.v1_7.clientserver.endpoints.CreateRoom;
import dev.mxspec.spec.v1_7.clientserver.endpoints.GetJoinedRooms;
import dev.mxspec.spec.v1_7.clientserver.endpoints.GetRoomEvents;
import dev.mxspec.spec.v1_7.clientserver.endpoints.GetTokenOwner;
import dev.mxspec.spec.v1_7.clientserver.endpoints.InviteUser;
import dev.mxspec.spec.v1_7.clientserver.endpoints.JoinRoom;
import dev.mxspec.spec.v1_7.clientserver.endpoints.LeaveRoom;
import dev.mxspec.spec.v1_7.clientserver.endpoints.Login;
import dev.mxspec.spec.v1_7.clientserver.endpoints.Logout;
import dev.mxspec.spec.v1_7.clientserver.endpoints.PostReceipt;
import dev.mxspec.spec.v1_7.clientserver.endpoints.SetTyping;
import dev.mxspec.spec.v1_7.clientserver.SetTypingRequest;
import dev.mxspec.spec.v1_7.clientserver.endpoints.Refresh;
import dev.mxspec.spec.v1_7.clientserver.endpoints.Register;
import dev.mxspec.spec.v1_7.clientserver.endpoints.SendMessage;
import dev.mxspec.spec.v1_7.clientserver.endpoints.SetRoomStateWithKey;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Consumer;

/**
 * A client's session on a homeserver, on the generated v1.7 client: log in and out (asking for a
 * refresh token, and refreshing the access token when it expires), rooms, sending (with
 * transaction IDs, retried by the HTTP core on rate limits and network errors), history, and the
 * relation helpers of v1.4 and v1.7 (replies, edits, reactions, threads, mentions).
 */
public final class MatrixSession {

    private final ClientServerClient api;
    private final String homeserver;
    private volatile Optional<Credentials> credentials = Optional.empty();
    private volatile Consumer<Credentials> onRefresh = c -> {};

    private MatrixSession(String homeserver) {
        this.homeserver = homeserver;
        this.api = new ClientServerClient(MatrixHttpClient.create(URI.create(homeserver)));
        api.http().tokenRefresher(this::refresh);
    }

    public static MatrixSession connect(String homeserver) {
        return new MatrixSession(homeserver);
    }

    public static MatrixSession resume(Credentials c) {
        MatrixSession s = new MatrixSession(c.homeserver());
        s.use(c);
        return s;
    }

    private Credentials use(Credentials c) {
        credentials = Optional.of(c);
        api.http().accessToken(c.accessToken());
        return c;
    }

    /**
     * Called with the new credentials whenever an expired access token was refreshed (the command
     * line stores them, since the old refresh token is spent).
     */
    public MatrixSession onRefresh(Consumer<Credentials> listener) {
        this.onRefresh = listener;
        return this;
    }

    /**
     * Trades the refresh token for a new access token; the HTTP core calls this when the server
     * reports the access token expired ({@code soft_logout}), once per expired token.
     */
    private String refresh(String expired) {
        Credentials c = credentials();
        String refreshToken = c.refreshToken().orElseThrow(() -> new MatrixException(401, ErrorCodes.M_UNKNOWN_TOKEN,
                "the access token expired and this session has no refresh token: log in again"));
        var r = api.refresh(new Refresh.Request(new RefreshRequest(refreshToken, Map.of())));
        Credentials renewed = new Credentials(c.homeserver(), c.userId(), c.deviceId(), r.accessToken(),
                r.refreshToken().or(c::refreshToken));
        credentials = Optional.of(renewed);
        onRefresh.accept(renewed);
        return renewed.accessToken();
    }

    public ClientServerClient api() {
        return api;
    }

    public Credentials credentials() {
        return credentials.orElseThrow(() -> new IllegalStateException("not logged in"));
    }

    public Credentials register(String user, String password) {
        var r = api.register(new Register.Request(Optional.empty(), new RegisterRequest(
                Optional.of(new AuthenticationData(Optional.of("m.login.dummy"), Optional.empty(), Map.of())), Optional.of(user),
                Optional.of(password), Optional.empty(), Optional.of("mxspec-client"), Optional.empty(), Optional.of(true), Map.of())));
        return use(new Credentials(homeserver, r.userId(), r.deviceId().orElse(""), r.accessToken().orElseThrow(), r.refreshToken()));
    }

    public Credentials login(String user, String password) {
        var r = api.login(new Login.Request(new LoginRequest(LoginRequestType.M_LOGIN_PASSWORD, Optional.empty(), Optional.of(user),
                Optional.empty(), Optional.empty(), Optional.of(password), Optional.empty(), Optional.empty(), Optional.of("mxspec-client"),
                Optional.of(true), Map.of())));
        return use(new Credentials(homeserver, r.userId(), r.deviceId(), r.accessToken(), r.refreshToken()));
    }

    public void logout() {
        api.logout(new Logout.Request());
        credentials = Optional.empty();
    }

    public String whoami() {
        return api.getTokenOwner(new GetTokenOwner.Request()).userId();
    }

    public List<String> rooms() {
        return api.getJoinedRooms(new GetJoinedRooms.Request()).joinedRooms();
    }

    public String createRoom(Optional<String> name, boolean publicRoom, List<String> invite) {
        return api.createRoom(new CreateRoom.Request(new CreateRoomRequest(Optional.empty(), Optional.empty(), name, Optional.empty(),
                Optional.of(invite), Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(),
                Optional.of(publicRoom ? CreateRoomRequestPreset.PUBLIC_CHAT : CreateRoomRequestPreset.PRIVATE_CHAT), Optional.empty(),
                Optional.empty(), Map.of()))).roomId();
    }

    public String join(String roomIdOrAlias) {
        return api.joinRoom(new JoinRoom.Request(roomIdOrAlias, List.of(), new JoinRoomRequest(Optional.empty(), Optional.empty(), Map.of())))
                .roomId();
    }

    public void invite(String roomId, String userId) {
        api.inviteUser(new InviteUser.Request(roomId, new InviteUserRequest(userId, Optional.empty(), Map.of())));
    }

    public void leave(String roomId) {
        api.leaveRoom(new LeaveRoom.Request(roomId, new LeaveRoomRequest(Optional.empty(), Map.of())));
    }

    /** Sends an event with a fresh transaction ID; returns its event ID. */
    public String send(String roomId, String type, JsonNode content) {
        return api.sendMessage(new SendMessage.Request(roomId, type, UUID.randomUUID().toString(), content)).eventId();
    }

    /** Sets a piece of room state (a topic, a name, power levels); returns the event ID. */
    public String setState(String roomId, String type, String stateKey, JsonNode content) {
        return api.setRoomStateWithKey(new SetRoomStateWithKey.Request(roomId, type, stateKey, content)).eventId();
    }

    public String sendText(String roomId, String body) {
        return send(roomId, "m.room.message", Content.text(body));
    }

    public String reply(String roomId, String inReplyTo, String body) {
        return send(roomId, "m.room.message", Content.reply(body, inReplyTo));
    }

    public String edit(String roomId, String original, String newBody) {
        return send(roomId, "m.room.message", Content.edit(newBody, original));
    }

    public String react(String roomId, String target, String key) {
        return send(roomId, "m.reaction", Content.reaction(target, key));
    }

    /** Spaces, the user directory, room upgrades and reports. */
    public Discovery discovery() {
        return new Discovery(api);
    }

    /** Threads of rooms, edits and reactions as a reader sees them. */
    public Threads threads() {
        return new Threads(api);
    }

    /** Server-side search of messages, room names and topics. */
    public Search search() {
        return new Search(api);
    }

    public String thread(String roomId, String root, String body) {
        return send(roomId, "m.room.message", Content.thread(body, root));
    }

    /** The latest events of a room, oldest first. */
    public List<ClientEvent> history(String roomId, int limit) {
        return historyPage(roomId, Optional.empty(), limit).events();
    }

    /**
     * One page of history going back, oldest first.
     *
     * @param events the page, oldest first
     * @param earlier the token for the page before it ({@code from} of the next call); empty at the room's start
     */
    public record Page(List<ClientEvent> events, Optional<String> earlier) {}

    /**
     * A page of history before {@code from} (a {@link Page#earlier} token or a sync's
     * {@code prev_batch}); without {@code from}, the latest page.
     */
    public Page historyPage(String roomId, Optional<String> from, int limit) {
        var r = api.getRoomEvents(new GetRoomEvents.Request(roomId, from, Optional.empty(), GetRoomEventsDir.B,
                Optional.of((long) limit), Optional.empty()));
        return new Page(r.chunk().reversed(), r.chunk().isEmpty() ? Optional.empty() : r.end());
    }

    /**
     * Marks an event read: a public receipt ({@code m.read}) or, when {@code hidden}, a private one
     * ({@code m.read.private}, v1.4) that only the user's own devices see; {@code threadId} for a
     * threaded receipt (v1.4: a thread root, or {@code main}).
     */
    public void markRead(String roomId, String eventId, boolean hidden, Optional<String> threadId) {
        api.postReceipt(new PostReceipt.Request(roomId, hidden ? PostReceiptReceiptType.M_READ_PRIVATE : PostReceiptReceiptType.M_READ,
                eventId, new PostReceiptRequest(threadId, Map.of())));
    }

    /**
     * Marks a whole room read, its threads included: an unthreaded receipt on the room's latest
     * event ({@code m.read.private} when {@code hidden}). Returns the event marked.
     */
    public String markRoomRead(String roomId, boolean hidden) {
        String latest = history(roomId, 1).stream().findFirst().map(ClientEvent::eventId)
                .orElseThrow(() -> new MatrixException(404, ErrorCodes.M_NOT_FOUND, "no event to mark read in " + roomId));
        markRead(roomId, latest, hidden, Optional.empty());
        return latest;
    }

    /**
     * Marks a thread read: a receipt with {@code thread_id} the root on the thread's latest reply
     * (on the root when it has none). Returns the event marked.
     */
    public String markThreadRead(String roomId, String rootId, boolean hidden) {
        String latest = threads().latestReply(roomId, rootId).map(ClientEvent::eventId).orElse(rootId);
        markRead(roomId, latest, hidden, Optional.of(rootId));
        return latest;
    }

    /** Notifications and pushers. */
    public Notifications notifications() {
        return new Notifications(api);
    }

    /** Tells the room the user is typing (for up to {@code timeoutMs}) or has stopped. */
    public void typing(String roomId, boolean typing, long timeoutMs) {
        api.setTyping(new SetTyping.Request(roomId, credentials().userId(), new SetTypingRequest(typing,
                typing ? Optional.of(timeoutMs) : Optional.empty(), Map.of())));
    }

    /** Uploads a file; returns its {@code mxc://} URI. {@code progress} gets the bytes sent so far. */
    public String upload(java.nio.file.Path file, String contentType, java.util.function.LongConsumer progress) {
        return Transfers.upload(credentials(), file, contentType, progress);
    }

    /** Downloads an {@code mxc://} URI into a file; {@code total} gets the size when known (else -1). */
    public long download(String mxc, java.nio.file.Path target, java.util.function.LongConsumer total,
            java.util.function.LongConsumer progress) {
        return Transfers.download(credentials(), mxc, target, total, progress);
    }

    /** Sends a file message ({@code m.file}) pointing at uploaded media. */
    public String sendFile(String roomId, String mxc, String name, long size, String contentType) {
        ObjectNode content = MatrixJson.mapper().createObjectNode().put("msgtype", "m.file").put("body", name).put("url", mxc);
        content.putObject("info").put("size", size).put("mimetype", contentType);
        return send(roomId, "m.room.message", content);
    }

    public SyncLoop syncLoop() {
        return new SyncLoop(api, credentials().userId());
    }

    static ObjectNode object() {
        return MatrixJson.mapper().createObjectNode();
    }
}
