package dev.mxspec.homeserver.hostile;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mxspec.homeserver.hostile.Fixture.User;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Who may act for application services, and in their namespaces: another service's token, a user outside the
 * namespaces, a user of another server, humans registering or taking aliases in an exclusive namespace, a user editing
 * a network's room list. Each refusal is checked to be the spec's (or Synapse's) and to change nothing anyone can see,
 * the network room lists included.
 */
class AppServiceAccessTest {

    private static final String CS = Fixture.CS;
    private static final String BRIDGE_TOKEN = "bridge-as-token-" + Long.toHexString(System.nanoTime());
    private static final String OTHER_TOKEN = "other-as-token-" + Long.toHexString(System.nanoTime());

    @TempDir
    Path dir;

    private record Case(String id, String token, String method, String path, String body, int status, String errcode) {}

    @ParameterizedTest
    @ValueSource(strings = {"sqlite", "postgresql"})
    void nobodyActsForAServiceOrInItsExclusiveNamespacesButTheService(String backend) throws Exception {
        Path bridge = Files.writeString(dir.resolve("bridge.yaml"), """
                id: bridge
                url: null
                as_token: "%s"
                hs_token: bridge-hs-token
                sender_localpart: _bridge_bot
                namespaces:
                  users: [{exclusive: true, regex: "@_bridge_.*"}]
                  aliases: [{exclusive: true, regex: "#_bridge_.*"}]
                """.formatted(BRIDGE_TOKEN));
        Path other = Files.writeString(dir.resolve("other.yaml"), """
                id: other
                url: null
                as_token: "%s"
                hs_token: other-hs-token
                sender_localpart: other
                namespaces:
                  users: [{exclusive: false, regex: "@_bridge_shared_.*"}, {exclusive: false, regex: "@other_.*"}]
                  aliases: [{exclusive: false, regex: "#_bridge_shared_.*"}]
                """.formatted(OTHER_TOKEN));
        Tally tally = new Tally();
        try (Fixture fx = Fixture.start(backend, dir, c -> c.withAppServiceConfigFiles(List.of(bridge.toString(), other.toString())))) {
            User alice = fx.register("alice");
            String r = fx.createRoom(alice, "{\"preset\":\"public_chat\",\"room_alias_name\":\"r\"}");
            String R = Fixture.seg(r);
            fx.raw.ok("POST", CS + "/register", BRIDGE_TOKEN, "{\"type\":\"m.login.application_service\",\"username\":\"_bridge_g\","
                    + "\"inhibit_login\":true}");
            fx.raw.ok("POST", CS + "/join/" + R + "?user_id=" + Fixture.query("@_bridge_g:localhost"), BRIDGE_TOKEN, "{}");
            fx.raw.ok("PUT", CS + "/directory/room/" + Fixture.seg("#_bridge_r:localhost"), BRIDGE_TOKEN, "{\"room_id\":\"" + r + "\"}");
            fx.raw.ok("PUT", CS + "/directory/list/appservice/net/" + R, BRIDGE_TOKEN, "{\"visibility\":\"public\"}");
            List<String> aliases = List.of("#r:localhost", "#_bridge_r:localhost", "#_bridge_new:localhost", "#_bridge_shared_x:localhost");
            String send = "/rooms/" + R + "/send/m.room.message/";
            String text = "{\"msgtype\":\"m.text\",\"body\":\"x\"}";
            String appserviceLogin = "{\"type\":\"m.login.application_service\",\"identifier\":{\"type\":\"m.id.user\",\"user\":";

            List<Case> cases = List.of(
                    new Case("another service's token acting as the bridge's user", OTHER_TOKEN, "PUT", send + "o1?user_id="
                            + Fixture.query("@_bridge_g:localhost"), text, 403, "M_FORBIDDEN"),
                    new Case("another service's token acting as the bridge's sender", OTHER_TOKEN, "PUT", send + "o2?user_id="
                            + Fixture.query("@_bridge_bot:localhost"), text, 403, "M_FORBIDDEN"),
                    new Case("a service acting as a user outside its namespaces", BRIDGE_TOKEN, "PUT", send + "b1?user_id="
                            + Fixture.query(alice.id()), text, 403, "M_FORBIDDEN"),
                    new Case("a service acting as a user of another server", BRIDGE_TOKEN, "PUT", send + "b2?user_id="
                            + Fixture.query("@_bridge_g:elsewhere.example"), text, 403, "M_FORBIDDEN"),
                    new Case("a service acting as a user of its namespace it never registered", BRIDGE_TOKEN, "PUT", send + "b3?user_id="
                            + Fixture.query("@_bridge_nobody:localhost"), text, 403, "M_FORBIDDEN"),
                    new Case("a service acting as a malformed user", BRIDGE_TOKEN, "PUT", send + "b4?user_id=" + Fixture.query("_bridge_g"),
                            text, 403, "M_FORBIDDEN"),
                    new Case("a service's token with a character more", BRIDGE_TOKEN + "x", "PUT", send + "b5", text, 401, "M_UNKNOWN_TOKEN"),
                    new Case("a human registering in an exclusive namespace", null, "POST", "/register", "{\"username\":\"_bridge_h\","
                            + "\"password\":\"" + Fixture.PASSWORD + "\",\"auth\":{\"type\":\"m.login.dummy\"}}", 400, "M_EXCLUSIVE"),
                    new Case("a human registering as a service's sender", null, "POST", "/register", "{\"username\":\"other\","
                            + "\"password\":\"" + Fixture.PASSWORD + "\",\"auth\":{\"type\":\"m.login.dummy\"}}", 400, "M_EXCLUSIVE"),
                    new Case("a human registering with the service's type", alice.token(), "POST", "/register",
                            "{\"type\":\"m.login.application_service\",\"username\":\"_bridge_h\"}", 401, "M_UNKNOWN_TOKEN"),
                    new Case("a service registering in another's exclusive namespace", OTHER_TOKEN, "POST", "/register",
                            "{\"type\":\"m.login.application_service\",\"username\":\"_bridge_shared_x\"}", 400, "M_EXCLUSIVE"),
                    new Case("a service registering outside its namespaces", BRIDGE_TOKEN, "POST", "/register",
                            "{\"type\":\"m.login.application_service\",\"username\":\"mallory\"}", 400, "M_EXCLUSIVE"),
                    new Case("a service logging in outside its namespaces", BRIDGE_TOKEN, "POST", "/login", appserviceLogin + "\"alice\"}}",
                            400, "M_EXCLUSIVE"),
                    new Case("a human logging in with the service's type", alice.token(), "POST", "/login",
                            appserviceLogin + "\"_bridge_g\"}}", 401, "M_UNKNOWN_TOKEN"),
                    new Case("a human creating an exclusive alias", alice.token(), "PUT", "/directory/room/"
                            + Fixture.seg("#_bridge_new:localhost"), "{\"room_id\":\"" + r + "\"}", 400, "M_EXCLUSIVE"),
                    new Case("a human creating a room with an exclusive alias", alice.token(), "POST", "/createRoom",
                            "{\"room_alias_name\":\"_bridge_new\"}", 400, "M_EXCLUSIVE"),
                    new Case("a human deleting an exclusive alias of her room", alice.token(), "DELETE", "/directory/room/"
                            + Fixture.seg("#_bridge_r:localhost"), null, 400, "M_EXCLUSIVE"),
                    new Case("a service creating an alias in another's exclusive namespace", OTHER_TOKEN, "PUT", "/directory/room/"
                            + Fixture.seg("#_bridge_new:localhost"), "{\"room_id\":\"" + r + "\"}", 400, "M_EXCLUSIVE"),
                    new Case("a service deleting an alias outside its namespaces", BRIDGE_TOKEN, "DELETE", "/directory/room/"
                            + Fixture.seg("#r:localhost"), null, 400, "M_EXCLUSIVE"),
                    new Case("a human listing a room in a network's list", alice.token(), "PUT", "/directory/list/appservice/net2/" + R,
                            "{\"visibility\":\"public\"}", 403, "M_FORBIDDEN"),
                    new Case("a human taking a room out of a network's list", alice.token(), "PUT", "/directory/list/appservice/net/" + R,
                            "{\"visibility\":\"private\"}", 403, "M_FORBIDDEN"),
                    new Case("a service's network list with a body of null", BRIDGE_TOKEN, "PUT", "/directory/list/appservice/net/" + R,
                            "null", 400, ""),
                    new Case("a service's network list with an array", BRIDGE_TOKEN, "PUT", "/directory/list/appservice/net/" + R,
                            "[\"private\"]", 400, ""),
                    new Case("a service's network list with an unknown visibility", BRIDGE_TOKEN, "PUT", "/directory/list/appservice/net/" + R,
                            "{\"visibility\":\"secret\"}", 400, "M_INVALID_PARAM"));
            for (Case c : cases) {
                JsonNode before = snapshot(fx, alice, aliases);
                Raw.Reply reply = fx.raw.send(c.method(), CS + c.path(), c.token(), c.body());
                boolean refused = reply.isMatrixError() && reply.status() == c.status() && (c.errcode().isEmpty() || reply.errcode().equals(c.errcode()));
                tally.record(c.id(), refused ? null : "expected " + c.status() + " " + c.errcode() + ", got " + reply);
                JsonNode after = snapshot(fx, alice, aliases);
                tally.record(c.id() + ": changes nothing", before.equals(after) ? null : "before " + before + " after " + after);
            }
            for (String user : List.of("@_bridge_h:localhost", "@_bridge_shared_x:localhost", "@mallory:localhost")) {
                Raw.Reply profile = fx.raw.send("GET", CS + "/profile/" + Fixture.seg(user), null, (String) null);
                tally.record("no account " + user, profile.status() == 404 ? null : "got " + profile);
            }
        }
        assertThat(tally.against(List.of())).isEmpty();
    }

    /** What alice sees, and the rooms of every directory (the server's and the networks'). */
    private static JsonNode snapshot(Fixture fx, User alice, List<String> aliases) throws Exception {
        ObjectNode s = (ObjectNode) fx.snapshot(alice, aliases);
        s.set("all_networks", fx.raw.ok("POST", CS + "/publicRooms", alice.token(), "{\"include_all_networks\":true}").path("chunk"));
        s.set("net", fx.raw.ok("POST", CS + "/publicRooms", alice.token(), "{\"third_party_instance_id\":\"bridge|net\"}").path("chunk"));
        return s;
    }
}
