package dev.mxspec.homeserver.hostile;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mxspec.homeserver.crypto.CrossSigningKeys;
import dev.mxspec.homeserver.hostile.Fixture.User;
import dev.mxspec.homeserver.hostile.Operations.Op;
import dev.mxspec.runtime.api.Endpoint;
import dev.mxspec.runtime.json.MatrixJson;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Who may do what. Every operation the spec marks as authenticated refuses a request without a token
 * ({@code 401 M_MISSING_TOKEN}), with a token that was never issued and with one whose session
 * ended ({@code 401 M_UNKNOWN_TOKEN}); then callers who are not allowed (another user's resources,
 * a non-member, a member without the power, a later joiner of a room whose history is for members
 * only) get the spec's refusal, and each refusal is checked to change nothing anyone can see.
 */
class AccessMatrixTest {

    /**
     * Known defects in the services and handlers, each case by its ID. The test fails when one of
     * them starts passing (remove the entry then) and when a case not listed here fails.
     */
    static final List<Tally.Expected> EXPECTED_FAILURES = List.of();

    private static final String CS = Fixture.CS;

    @TempDir
    Path dir;

    private Fixture fx;
    private Tally tally;

    /** A refusal case: who asks what, and which statuses (with their errcodes) are the spec's refusal. */
    private record Case(String id, User caller, String method, String path, String body, Map<Integer, String> refusals) {}

    @ParameterizedTest
    @ValueSource(strings = {"sqlite", "postgresql"})
    void everyCallerWhoIsNotAllowedIsRefusedAndChangesNothing(String backend) throws Exception {
        long start = System.nanoTime();
        int authCases;
        int unserved;
        try (Fixture fixture = Fixture.start(backend, dir)) {
            fx = fixture;
            tally = new Tally();
            User alice = fx.register("alice");
            User bob = fx.register("bob");
            User carol = fx.register("carol");
            User dave = fx.register("dave");
            User ended = fx.login("carol", "ENDED");
            fx.raw.ok("POST", CS + "/logout", ended.token(), "{}");

            // R: alice's invite-only room, history for members only from their join on; bob a member
            // without power; dave joined and left
            String r = fx.createRoom(alice, "{\"preset\":\"private_chat\",\"room_alias_name\":\"r\",\"initial_state\":[{\"type\":"
                    + "\"m.room.history_visibility\",\"state_key\":\"\",\"content\":{\"history_visibility\":\"joined\"}}]}");
            String secret = fx.send(alice, r, "before bob joined");
            for (User u : List.of(bob, dave)) {
                fx.raw.ok("POST", CS + "/rooms/" + Fixture.seg(r) + "/invite", alice.token(), "{\"user_id\":\"" + u.id() + "\"}");
                fx.join(u, r);
            }
            fx.raw.ok("POST", CS + "/rooms/" + Fixture.seg(r) + "/leave", dave.token(), "{}");
            String e1 = fx.send(alice, r, "after bob joined");
            // S: carol's public room, alice a member, with an alias of carol's
            String s = fx.createRoom(carol, "{\"preset\":\"public_chat\",\"room_alias_name\":\"s\"}");
            fx.join(alice, s);
            String e2 = fx.send(carol, s, "in S");
            List<String> aliases = List.of("#r:localhost", "#s:localhost");
            // alice's key backup: version 1, then version 2 (the latest) with a key; carol has a version 1 of her own
            String backupVersion = "{\"algorithm\":\"m.megolm_backup.v1.curve25519-aes-sha2\",\"auth_data\":{\"public_key\":\"k\"}}";
            String backedUpKey = "{\"first_message_index\":0,\"forwarded_count\":0,\"is_verified\":true,\"session_data\":{\"ciphertext\":\"c\"}}";
            fx.raw.ok("POST", CS + "/room_keys/version", alice.token(), backupVersion);
            fx.raw.ok("POST", CS + "/room_keys/version", alice.token(), backupVersion);
            fx.raw.ok("PUT", CS + "/room_keys/keys/" + Fixture.seg(r) + "/s1?version=2", alice.token(), backedUpKey);
            fx.raw.ok("POST", CS + "/room_keys/version", carol.token(), backupVersion);
            // alice's cross-signing keys, which only she may replace, and only with her password
            fx.raw.ok("POST", CS + "/keys/device_signing/upload", alice.token(), new CrossSigningKeys(alice.id()).uploadBody(null).toString());
            String replacement = new CrossSigningKeys(alice.id()).uploadBody(null).toString();
            String wrongPassword = new CrossSigningKeys(alice.id()).uploadBody(MatrixJson.mapper().createObjectNode()
                    .put("type", "m.login.password").put("password", "not alice's").set("identifier", MatrixJson.mapper()
                            .createObjectNode().put("type", "m.id.user").put("user", "alice"))).toString();
            String asCarol = new CrossSigningKeys(alice.id()).uploadBody(MatrixJson.mapper().createObjectNode()
                    .put("type", "m.login.password").put("password", Fixture.PASSWORD).set("identifier", MatrixJson.mapper()
                            .createObjectNode().put("type", "m.id.user").put("user", "carol"))).toString();

            authCases = authentication(alice, ended, aliases);
            unserved = unservedCount;

            String R = Fixture.seg(r);
            String S = Fixture.seg(s);
            String A = Fixture.seg(alice.id());
            List<Case> cases = new ArrayList<>(List.of(
                    // a non-member reads and writes a room
                    new Case("non-member GET /event", carol, "GET", "/rooms/" + R + "/event/" + Fixture.seg(e1), null, notFound()),
                    new Case("non-member GET /context", carol, "GET", "/rooms/" + R + "/context/" + Fixture.seg(e1), null, forbiddenOrNotFound()),
                    new Case("non-member GET /state", carol, "GET", "/rooms/" + R + "/state", null, forbidden()),
                    new Case("non-member GET /state/m.room.name", carol, "GET", "/rooms/" + R + "/state/m.room.name/", null, forbiddenOrNotFound()),
                    new Case("non-member GET /messages", carol, "GET", "/rooms/" + R + "/messages?dir=b", null, forbidden()),
                    new Case("non-member GET /members", carol, "GET", "/rooms/" + R + "/members", null, forbidden()),
                    new Case("non-member GET /joined_members", carol, "GET", "/rooms/" + R + "/joined_members", null, forbidden()),
                    new Case("non-member PUT /send", carol, "PUT", "/rooms/" + R + "/send/m.room.message/c1", "{\"msgtype\":\"m.text\",\"body\":\"x\"}", forbidden()),
                    new Case("non-member PUT /state", carol, "PUT", "/rooms/" + R + "/state/m.room.topic/", "{\"topic\":\"x\"}", forbidden()),
                    new Case("non-member POST /invite", carol, "POST", "/rooms/" + R + "/invite", "{\"user_id\":\"" + carol.id() + "\"}", forbidden()),
                    new Case("non-member POST /join of an invite-only room", carol, "POST", "/rooms/" + R + "/join", "{}", forbidden()),
                    new Case("non-member PUT /redact", carol, "PUT", "/rooms/" + R + "/redact/" + Fixture.seg(e1) + "/c2", "{}", forbidden()),
                    new Case("non-member POST /knock on an invite-only room", carol, "POST", "/knock/" + R, "{}", forbidden()),
                    new Case("non-member POST /leave", carol, "POST", "/rooms/" + R + "/leave", "{}", forbiddenOrNotFound()),
                    new Case("non-member POST /unban", carol, "POST", "/rooms/" + R + "/unban", "{\"user_id\":\"" + dave.id() + "\"}", forbidden()),
                    new Case("non-member GET /aliases", carol, "GET", "/rooms/" + R + "/aliases", null, forbidden()),
                    new Case("non-member PUT directory visibility", carol, "PUT", "/directory/list/room/" + R, "{\"visibility\":\"public\"}", forbidden()),
                    new Case("user PUT an application service's network list", alice, "PUT", "/directory/list/appservice/irc/" + R,
                            "{\"visibility\":\"public\"}", forbidden()),
                    new Case("non-member POST /receipt", carol, "POST", "/rooms/" + R + "/receipt/m.read/" + Fixture.seg(e1), "{}", forbiddenOrNotFound()),
                    new Case("non-member POST /read_markers", carol, "POST", "/rooms/" + R + "/read_markers", "{\"m.fully_read\":\"" + e1 + "\"}", forbiddenOrNotFound()),
                    new Case("non-member PUT /typing", carol, "PUT", "/rooms/" + R + "/typing/" + Fixture.seg(carol.id()), "{\"typing\":true,\"timeout\":1000}", forbidden()),
                    // another user's resources
                    new Case("other user GET account data", carol, "GET", "/user/" + A + "/account_data/m.hostile", null, forbidden()),
                    new Case("other user PUT account data", carol, "PUT", "/user/" + A + "/account_data/m.hostile", "{}", forbidden()),
                    new Case("other user GET room account data", carol, "GET", "/user/" + A + "/rooms/" + S + "/account_data/m.hostile", null, forbidden()),
                    new Case("other user PUT room account data", carol, "PUT", "/user/" + A + "/rooms/" + S + "/account_data/m.hostile", "{}", forbidden()),
                    new Case("other user GET tags", carol, "GET", "/user/" + A + "/rooms/" + S + "/tags", null, forbidden()),
                    new Case("other user PUT tag", carol, "PUT", "/user/" + A + "/rooms/" + S + "/tags/u.x", "{}", forbidden()),
                    new Case("other user DELETE tag", carol, "DELETE", "/user/" + A + "/rooms/" + S + "/tags/u.x", null, forbidden()),
                    new Case("other user PUT displayname", carol, "PUT", "/profile/" + A + "/displayname", "{\"displayname\":\"x\"}", forbidden()),
                    new Case("other user PUT avatar_url", carol, "PUT", "/profile/" + A + "/avatar_url", "{\"avatar_url\":\"mxc://x/y\"}", forbidden()),
                    new Case("other user PUT presence", carol, "PUT", "/presence/" + A + "/status", "{\"presence\":\"online\"}", forbidden()),
                    new Case("other user POST filter", carol, "POST", "/user/" + A + "/filter", "{}", forbidden()),
                    new Case("other user GET filter", carol, "GET", "/user/" + A + "/filter/0", null, forbiddenOrNotFound()),
                    new Case("other user PUT typing", carol, "PUT", "/rooms/" + S + "/typing/" + A, "{\"typing\":true,\"timeout\":1000}", forbidden()),
                    new Case("other user GET device", carol, "GET", "/devices/" + Fixture.seg(device(alice)), null, notFound()),
                    // another user's key backup: not found, whatever the operation
                    new Case("other user GET key backup version", carol, "GET", "/room_keys/version/2", null, notFound()),
                    new Case("other user PUT key backup version", carol, "PUT", "/room_keys/version/2", backupVersion, notFound()),
                    new Case("other user DELETE key backup version", carol, "DELETE", "/room_keys/version/2", null, notFound()),
                    new Case("other user GET backed-up keys", carol, "GET", "/room_keys/keys?version=2", null, notFound()),
                    new Case("other user GET backed-up keys of a room", carol, "GET", "/room_keys/keys/" + R + "?version=2", null, notFound()),
                    new Case("other user GET a backed-up key", carol, "GET", "/room_keys/keys/" + R + "/s1?version=2", null, notFound()),
                    new Case("other user PUT backed-up keys", carol, "PUT", "/room_keys/keys?version=2",
                            "{\"rooms\":{\"" + r + "\":{\"sessions\":{\"s1\":" + backedUpKey + "}}}}", notFound()),
                    new Case("other user PUT backed-up keys of a room", carol, "PUT", "/room_keys/keys/" + R + "?version=2",
                            "{\"sessions\":{\"s1\":" + backedUpKey + "}}", notFound()),
                    new Case("other user PUT a backed-up key", carol, "PUT", "/room_keys/keys/" + R + "/s1?version=2", backedUpKey, notFound()),
                    new Case("other user DELETE backed-up keys", carol, "DELETE", "/room_keys/keys?version=2", null, notFound()),
                    new Case("other user DELETE backed-up keys of a room", carol, "DELETE", "/room_keys/keys/" + R + "?version=2", null, notFound()),
                    new Case("other user DELETE a backed-up key", carol, "DELETE", "/room_keys/keys/" + R + "/s1?version=2", null, notFound()),
                    new Case("keys into a backup version that is not the latest", alice, "PUT", "/room_keys/keys/" + R + "/s2?version=1",
                            backedUpKey, Map.of(403, "M_WRONG_ROOM_KEYS_VERSION")),
                    new Case("other user POST cross-signing keys", carol, "POST", "/keys/device_signing/upload", replacement,
                            Map.of(400, "M_INVALID_PARAM")),
                    new Case("replacing cross-signing keys with a wrong password", alice, "POST", "/keys/device_signing/upload",
                            wrongPassword, Map.of(401, "M_FORBIDDEN")),
                    new Case("replacing cross-signing keys with another user's password", alice, "POST", "/keys/device_signing/upload",
                            asCarol, forbidden()),
                    // history for members only: bob joined after the secret was sent
                    new Case("later joiner GET /event of joined-only history", bob, "GET", "/rooms/" + R + "/event/" + Fixture.seg(secret), null, notFound()),
                    new Case("later joiner GET /context of joined-only history", bob, "GET", "/rooms/" + R + "/context/" + Fixture.seg(secret), null, forbiddenOrNotFound()),
                    // a member without the power
                    new Case("member without power PUT /state m.room.name", bob, "PUT", "/rooms/" + R + "/state/m.room.name/", "{\"name\":\"x\"}", forbidden()),
                    new Case("member without power PUT /redact of another's event", bob, "PUT", "/rooms/" + R + "/redact/" + Fixture.seg(e1) + "/b1", "{}", forbidden()),
                    new Case("member without power DELETE an alias of another", bob, "DELETE", "/directory/room/" + Fixture.seg("#r:localhost"), null, forbidden()),
                    new Case("anyone PUT an existing alias", bob, "PUT", "/directory/room/" + Fixture.seg("#r:localhost"), "{\"room_id\":\"" + s + "\"}", Map.of(409, "")),
                    new Case("non-creator DELETE an alias", alice, "DELETE", "/directory/room/" + Fixture.seg("#s:localhost"), null, forbidden()),
                    // a room admin, but the request does not fit the room
                    new Case("canonical alias of another room", alice, "PUT", "/rooms/" + R + "/state/m.room.canonical_alias/", "{\"alias\":\"#s:localhost\"}", Map.of(400, "M_BAD_ALIAS")),
                    new Case("redaction of another room's event through this room", alice, "PUT", "/rooms/" + R + "/redact/" + Fixture.seg(e2) + "/a1", "{}", Map.of(400, "", 403, "", 404, "")),
                    new Case("kick with an invalid user ID", alice, "POST", "/rooms/" + R + "/kick", "{\"user_id\":\"not a user\"}", Map.of(400, "M_INVALID_PARAM")),
                    new Case("ban with an invalid user ID", alice, "POST", "/rooms/" + R + "/ban", "{\"user_id\":\"not a user\"}", Map.of(400, "M_INVALID_PARAM")),
                    new Case("kick of a user who already left", alice, "POST", "/rooms/" + R + "/kick", "{\"user_id\":\"" + dave.id() + "\"}", forbidden()),
                    // membership changes last: were one accepted, the cases after it would see another room
                    new Case("non-member POST /kick", carol, "POST", "/rooms/" + R + "/kick", "{\"user_id\":\"" + bob.id() + "\"}", forbidden()),
                    new Case("non-member POST /ban", carol, "POST", "/rooms/" + R + "/ban", "{\"user_id\":\"" + bob.id() + "\"}", forbidden()),
                    new Case("member without power POST /kick", bob, "POST", "/rooms/" + R + "/kick", "{\"user_id\":\"" + alice.id() + "\"}", forbidden()),
                    new Case("member without power POST /ban", bob, "POST", "/rooms/" + R + "/ban", "{\"user_id\":\"" + alice.id() + "\"}", forbidden()),
                    new Case("member without power PUT power levels", bob, "PUT", "/rooms/" + R + "/state/m.room.power_levels/",
                            "{\"users\":{\"" + bob.id() + "\":100}}", forbidden())));
            for (Case c : cases) {
                JsonNode before = fx.snapshot(alice, aliases);
                Raw.Reply reply = fx.raw.send(c.method(), CS + c.path(), c.caller().token(), c.body());
                tally.record(c.id(), refusal(c, reply));
                JsonNode after = fx.snapshot(alice, aliases);
                tally.record(c.id() + ": changes nothing", before.equals(after) ? null : "before " + before + " after " + after);
            }
            // the later joiner's history page must not hold what was sent before the join
            JsonNode page = fx.raw.ok("GET", CS + "/rooms/" + R + "/messages?dir=b&limit=50", bob.token(), null);
            List<String> seen = new ArrayList<>();
            page.path("chunk").forEach(e -> seen.add(e.path("event_id").asText()));
            tally.record("later joiner GET /messages of joined-only history", seen.contains(secret) ? "page holds " + secret : null);
        }
        long ms = (System.nanoTime() - start) / 1_000_000;
        List<String> problems = tally.against(EXPECTED_FAILURES);
        System.out.printf("access matrix (%s): %d requests, %d authentication cases (%d operations not served), %d permission cases,"
                + " %d failed (%d of them expected failures), %d ms%n", backend, fx.raw.requests(), authCases, unserved,
                tally.cases() - authCases, tally.failures(), tally.expectedFailures(EXPECTED_FAILURES), ms);
        assertThat(problems).isEmpty();
    }

    private int unservedCount;

    /** No token, a token never issued, an ended session: refused on every served authenticated operation. */
    private int authentication(User alice, User ended, List<String> aliases) throws Exception {
        JsonNode before = fx.snapshot(alice, aliases);
        int cases = 0;
        for (Op op : Operations.clientServer()) {
            Endpoint e = op.endpoint();
            if (!e.authenticated()) {
                continue;
            }
            Map<String, String> path = new LinkedHashMap<>();
            for (String p : e.pathParams()) {
                path.put(p, switch (p) {
                    case "userId" -> alice.id();
                    case "roomId", "roomIdOrAlias" -> "!x:localhost";
                    case "eventId" -> "$x";
                    case "roomAlias" -> "#x:localhost";
                    case "serverName" -> "localhost";
                    case "mediaId" -> "abcdef";
                    default -> {
                        List<String> known = Operations.knownValues(op.pathTypes().getOrDefault(p, Object.class));
                        yield known.isEmpty() ? "x" : known.getFirst();
                    }
                });
            }
            String url = e.expand(path);
            String body = op.body().map(b -> Operations.sample(b).toString()).orElse(null);
            Raw.Reply none = fx.raw.send(e.method(), url, null, body);
            if (none.status() == 404 && none.errcode().equals("M_UNRECOGNIZED")) {
                unservedCount++;
                continue;
            }
            tally.record(op.name() + " no token", status(none, 401, "M_MISSING_TOKEN"));
            tally.record(op.name() + " unknown token", status(fx.raw.send(e.method(), url, "syt_never_issued", body), 401, "M_UNKNOWN_TOKEN"));
            tally.record(op.name() + " ended session", status(fx.raw.send(e.method(), url, ended.token(), body), 401, "M_UNKNOWN_TOKEN"));
            cases += 3;
        }
        JsonNode after = fx.snapshot(alice, aliases);
        tally.record("unauthenticated requests change nothing", before.equals(after) ? null : "before " + before + " after " + after);
        return cases + 1;
    }

    private String device(User user) throws Exception {
        return fx.raw.ok("GET", CS + "/account/whoami", user.token(), null).path("device_id").asText();
    }

    private static Map<Integer, String> forbidden() {
        return Map.of(403, "M_FORBIDDEN");
    }

    private static Map<Integer, String> notFound() {
        return Map.of(404, "M_NOT_FOUND");
    }

    private static Map<Integer, String> forbiddenOrNotFound() {
        return Map.of(403, "M_FORBIDDEN", 404, "M_NOT_FOUND");
    }

    private static String status(Raw.Reply r, int status, String errcode) {
        return r.isMatrixError() && r.status() == status && r.errcode().equals(errcode) ? null
                : "expected " + status + " " + errcode + ", got " + r;
    }

    /** Null when the reply is one of the case's refusals (an empty errcode: any Matrix error of that status). */
    private static String refusal(Case c, Raw.Reply r) {
        String errcode = c.refusals().get(r.status());
        if (r.isMatrixError() && errcode != null && (errcode.isEmpty() || errcode.equals(r.errcode()))) {
            return null;
        }
        return "expected one of " + c.refusals() + ", got " + r;
    }
}
