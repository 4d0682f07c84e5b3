package dev.mxspec.homeserver.main;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mxspec.runtime.json.MatrixJson;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Server-side key backups over HTTP: versions created, read, updated and deleted; keys stored by the spec's rule for
 * which key replaces which, with {@code etag} and {@code count}; keys only into the latest version; another user's
 * backup out of reach; malformed requests refused without changing anything.
 */
class KeyBackupTest {

    private static final String ALGORITHM = "m.megolm_backup.v1.curve25519-aes-sha2";
    private static final String ROOM = "!backup:localhost";
    private static final String OTHER_ROOM = "!other:localhost";

    @TempDir
    Path dir;

    private Homeserver server;
    private JsonHttp http;

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    private void start(String backend) throws Exception {
        server = TestServers.start(backend, dir, c -> c);
        http = new JsonHttp(server.port());
    }

    private static JsonNode json(String text) throws Exception {
        return MatrixJson.mapper().readTree(text);
    }

    private static String authData(String publicKey) {
        return "{\"public_key\":\"" + publicKey + "\",\"signatures\":{\"@alice:localhost\":{\"ed25519:DEV\":\"sig\"}}}";
    }

    private static String version(String publicKey) {
        return "{\"algorithm\":\"" + ALGORITHM + "\",\"auth_data\":" + authData(publicKey) + "}";
    }

    private static String key(long firstMessageIndex, long forwardedCount, boolean verified, String ciphertext) {
        return "{\"first_message_index\":" + firstMessageIndex + ",\"forwarded_count\":" + forwardedCount + ",\"is_verified\":" + verified
                + ",\"session_data\":{\"ephemeral\":\"eph\",\"ciphertext\":\"" + ciphertext + "\",\"mac\":\"mac\"}}";
    }

    private JsonNode ok(String method, String path, String token, String body) throws Exception {
        JsonHttp.Reply r = http.call(method, path, token, body);
        assertThat(r.status()).as(method + " " + path + ": " + r.body()).isEqualTo(200);
        return r.body();
    }

    private void refused(String method, String path, String token, String body, int status, String errcode) throws Exception {
        JsonHttp.Reply r = http.call(method, path, token, body);
        assertThat(r.status()).as(method + " " + path + " " + body + ": " + r.body()).isEqualTo(status);
        assertThat(r.body().path("errcode").asText()).as(method + " " + path + " " + body).isEqualTo(errcode);
    }

    private String create(String token, String publicKey) throws Exception {
        return ok("POST", "/room_keys/version", token, version(publicKey)).path("version").asText();
    }

    private JsonNode putSession(String token, String version, String room, String session, String key) throws Exception {
        return ok("PUT", "/room_keys/keys/" + room + "/" + session + "?version=" + version, token, key);
    }

    @ParameterizedTest
    @ValueSource(strings = {"sqlite", "postgresql"})
    void versionsAreCreatedReadUpdatedAndDeleted(String backend) throws Exception {
        start(backend);
        String alice = http.register("alice", "alice-password");
        refused("GET", "/room_keys/version", alice, null, 404, "M_NOT_FOUND");

        assertThat(create(alice, "key1")).isEqualTo("1");
        JsonNode first = json("{\"algorithm\":\"" + ALGORITHM + "\",\"auth_data\":" + authData("key1")
                + ",\"count\":0,\"etag\":\"0\",\"version\":\"1\"}");
        assertThat(ok("GET", "/room_keys/version", alice, null)).isEqualTo(first);
        assertThat(create(alice, "key2")).isEqualTo("2");
        assertThat(ok("GET", "/room_keys/version", alice, null).path("version").asText()).as("the latest").isEqualTo("2");
        assertThat(ok("GET", "/room_keys/version/1", alice, null)).as("an older version stays readable").isEqualTo(first);

        // only auth_data changes; a version in the body must be the path's
        assertThat(ok("PUT", "/room_keys/version/2", alice, "{\"algorithm\":\"" + ALGORITHM + "\",\"auth_data\":" + authData("key2b")
                + ",\"version\":\"2\"}")).isEqualTo(json("{}"));
        assertThat(ok("GET", "/room_keys/version/2", alice, null)).isEqualTo(json("{\"algorithm\":\"" + ALGORITHM + "\",\"auth_data\":"
                + authData("key2b") + ",\"count\":0,\"etag\":\"0\",\"version\":\"2\"}"));
        refused("PUT", "/room_keys/version/2", alice, "{\"algorithm\":\"" + ALGORITHM + "\",\"auth_data\":{},\"version\":\"1\"}", 400,
                "M_INVALID_PARAM");
        // v1.7 knows one algorithm: any other is refused by the request's schema before the backup is looked at
        refused("PUT", "/room_keys/version/2", alice, "{\"algorithm\":\"m.other\",\"auth_data\":{}}", 400, "M_BAD_JSON");
        refused("PUT", "/room_keys/version/9", alice, version("k"), 404, "M_NOT_FOUND");
        assertThat(ok("GET", "/room_keys/version/2", alice, null).path("auth_data").path("public_key").asText()).isEqualTo("key2b");

        // a deleted version is gone, the highest left is the latest; deleting it again is no error, one never made is
        assertThat(ok("DELETE", "/room_keys/version/2", alice, null)).isEqualTo(json("{}"));
        refused("GET", "/room_keys/version/2", alice, null, 404, "M_NOT_FOUND");
        refused("PUT", "/room_keys/version/2", alice, version("k"), 404, "M_NOT_FOUND");
        assertThat(ok("GET", "/room_keys/version", alice, null)).isEqualTo(first);
        assertThat(ok("DELETE", "/room_keys/version/2", alice, null)).isEqualTo(json("{}"));
        refused("DELETE", "/room_keys/version/7", alice, null, 404, "M_NOT_FOUND");
        for (String notAVersion : new String[] {"abc", "01", "-1", "0", "99999999999999999999999"}) {
            refused("GET", "/room_keys/version/" + notAVersion, alice, null, 404, "M_NOT_FOUND");
            refused("DELETE", "/room_keys/version/" + notAVersion, alice, null, 404, "M_NOT_FOUND");
        }
        assertThat(create(alice, "key3")).as("a number is never given again").isEqualTo("3");
        ok("DELETE", "/room_keys/version/3", alice, null);
        ok("DELETE", "/room_keys/version/1", alice, null);
        refused("GET", "/room_keys/version", alice, null, 404, "M_NOT_FOUND");
        assertThat(create(alice, "key4")).isEqualTo("4");
    }

    @ParameterizedTest
    @ValueSource(strings = {"sqlite", "postgresql"})
    void aKeyReplacesTheHeldOneByTheSpecsRuleAndEtagAndCountFollow(String backend) throws Exception {
        start(backend);
        String alice = http.register("alice", "alice-password");
        String v = create(alice, "key1");
        String session = "/room_keys/keys/" + ROOM + "/s1?version=" + v;

        assertThat(putSession(alice, v, ROOM, "s1", key(5, 1, false, "a"))).isEqualTo(json("{\"etag\":\"1\",\"count\":1}"));
        assertThat(ok("GET", session, alice, null)).isEqualTo(json(key(5, 1, false, "a")));
        // not verified either: the lower first_message_index wins; a higher one is not taken
        assertThat(putSession(alice, v, ROOM, "s1", key(3, 4, false, "b"))).isEqualTo(json("{\"etag\":\"2\",\"count\":1}"));
        assertThat(putSession(alice, v, ROOM, "s1", key(4, 0, false, "c"))).isEqualTo(json("{\"etag\":\"2\",\"count\":1}"));
        assertThat(ok("GET", session, alice, null)).isEqualTo(json(key(3, 4, false, "b")));
        // same index: the lower forwarded_count wins; all equal: the held key stays
        assertThat(putSession(alice, v, ROOM, "s1", key(3, 2, false, "d"))).isEqualTo(json("{\"etag\":\"3\",\"count\":1}"));
        assertThat(putSession(alice, v, ROOM, "s1", key(3, 2, false, "e"))).isEqualTo(json("{\"etag\":\"3\",\"count\":1}"));
        assertThat(putSession(alice, v, ROOM, "s1", key(3, 3, false, "f"))).isEqualTo(json("{\"etag\":\"3\",\"count\":1}"));
        assertThat(ok("GET", session, alice, null)).isEqualTo(json(key(3, 2, false, "d")));
        // a verified key wins over an unverified one whatever its index and count, and then keeps its place
        assertThat(putSession(alice, v, ROOM, "s1", key(9, 9, true, "g"))).isEqualTo(json("{\"etag\":\"4\",\"count\":1}"));
        assertThat(putSession(alice, v, ROOM, "s1", key(0, 0, false, "h"))).isEqualTo(json("{\"etag\":\"4\",\"count\":1}"));
        assertThat(putSession(alice, v, ROOM, "s1", key(8, 9, true, "i"))).isEqualTo(json("{\"etag\":\"5\",\"count\":1}"));
        assertThat(ok("GET", session, alice, null)).isEqualTo(json(key(8, 9, true, "i")));

        // several rooms at once; fields the spec does not name are kept
        String extra = "{\"first_message_index\":0,\"forwarded_count\":0,\"is_verified\":false,\"session_data\":{\"ciphertext\":\"x\"},"
                + "\"org.example.note\":[1,2]}";
        assertThat(ok("PUT", "/room_keys/keys?version=" + v, alice, "{\"rooms\":{\"" + ROOM + "\":{\"sessions\":{\"s2\":" + key(0, 0, false, "j")
                + "}},\"" + OTHER_ROOM + "\":{\"sessions\":{\"s3\":" + extra + ",\"s4\":" + key(1, 0, true, "k") + "}}}}"))
                .isEqualTo(json("{\"etag\":\"6\",\"count\":4}"));
        assertThat(ok("PUT", "/room_keys/keys/" + OTHER_ROOM + "?version=" + v, alice, "{\"sessions\":{\"s5\":" + key(0, 0, false, "l")
                + ",\"s3\":" + key(7, 0, false, "not taken") + "}}")).isEqualTo(json("{\"etag\":\"7\",\"count\":5}"));
        assertThat(ok("PUT", "/room_keys/keys?version=" + v, alice, "{\"rooms\":{}}")).as("nothing offered, nothing changed")
                .isEqualTo(json("{\"etag\":\"7\",\"count\":5}"));
        JsonNode all = json("{\"rooms\":{\"" + OTHER_ROOM + "\":{\"sessions\":{\"s3\":" + extra + ",\"s4\":" + key(1, 0, true, "k") + ",\"s5\":"
                + key(0, 0, false, "l") + "}},\"" + ROOM + "\":{\"sessions\":{\"s1\":" + key(8, 9, true, "i") + ",\"s2\":" + key(0, 0, false, "j")
                + "}}}}");
        assertThat(ok("GET", "/room_keys/keys?version=" + v, alice, null)).isEqualTo(all);
        assertThat(ok("GET", "/room_keys/keys/" + ROOM + "?version=" + v, alice, null)).isEqualTo(all.path("rooms").path(ROOM));
        assertThat(ok("GET", "/room_keys/keys/!none:localhost?version=" + v, alice, null)).as("a room without keys")
                .isEqualTo(json("{\"sessions\":{}}"));
        refused("GET", "/room_keys/keys/" + ROOM + "/nosuchsession?version=" + v, alice, null, 404, "M_NOT_FOUND");
        assertThat(ok("GET", "/room_keys/version", alice, null)).isEqualTo(json("{\"algorithm\":\"" + ALGORITHM + "\",\"auth_data\":"
                + authData("key1") + ",\"count\":5,\"etag\":\"7\",\"version\":\"1\"}"));

        // deletions: one session, one room, everything; deleting nothing changes nothing
        assertThat(ok("DELETE", "/room_keys/keys/" + ROOM + "/s2?version=" + v, alice, null)).isEqualTo(json("{\"etag\":\"8\",\"count\":4}"));
        assertThat(ok("DELETE", "/room_keys/keys/" + ROOM + "/s2?version=" + v, alice, null)).isEqualTo(json("{\"etag\":\"8\",\"count\":4}"));
        refused("GET", "/room_keys/keys/" + ROOM + "/s2?version=" + v, alice, null, 404, "M_NOT_FOUND");
        assertThat(ok("DELETE", "/room_keys/keys/" + OTHER_ROOM + "?version=" + v, alice, null)).isEqualTo(json("{\"etag\":\"9\",\"count\":1}"));
        assertThat(ok("GET", "/room_keys/keys?version=" + v, alice, null)).isEqualTo(json("{\"rooms\":{\"" + ROOM + "\":{\"sessions\":{\"s1\":"
                + key(8, 9, true, "i") + "}}}}"));
        assertThat(ok("DELETE", "/room_keys/keys?version=" + v, alice, null)).isEqualTo(json("{\"etag\":\"10\",\"count\":0}"));
        assertThat(ok("GET", "/room_keys/keys?version=" + v, alice, null)).isEqualTo(json("{\"rooms\":{}}"));
        // a key deleted can come back, even one the deleted key would have kept out
        assertThat(putSession(alice, v, ROOM, "s1", key(50, 50, false, "m"))).isEqualTo(json("{\"etag\":\"11\",\"count\":1}"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"sqlite", "postgresql"})
    void keysGoOnlyIntoTheLatestVersion(String backend) throws Exception {
        start(backend);
        String alice = http.register("alice", "alice-password");
        refused("PUT", "/room_keys/keys/" + ROOM + "/s1?version=1", alice, key(0, 0, false, "a"), 404, "M_NOT_FOUND");
        String v1 = create(alice, "key1");
        putSession(alice, v1, ROOM, "s1", key(0, 0, false, "a"));
        String v2 = create(alice, "key2");

        JsonHttp.Reply wrong = http.call("PUT", "/room_keys/keys/" + ROOM + "/s2?version=" + v1, alice, key(0, 0, false, "b"));
        assertThat(wrong.status()).isEqualTo(403);
        assertThat(wrong.body().path("errcode").asText()).isEqualTo("M_WRONG_ROOM_KEYS_VERSION");
        assertThat(wrong.body().path("current_version").asText()).isEqualTo(v2);
        refused("PUT", "/room_keys/keys?version=" + v1, alice, "{\"rooms\":{}}", 403, "M_WRONG_ROOM_KEYS_VERSION");
        refused("PUT", "/room_keys/keys/" + ROOM + "?version=" + v1, alice, "{\"sessions\":{}}", 403, "M_WRONG_ROOM_KEYS_VERSION");
        refused("PUT", "/room_keys/keys?version=3", alice, "{\"rooms\":{}}", 404, "M_NOT_FOUND");
        refused("PUT", "/room_keys/keys?version=latest", alice, "{\"rooms\":{}}", 404, "M_NOT_FOUND");
        refused("PUT", "/room_keys/keys", alice, "{\"rooms\":{}}", 400, "M_MISSING_PARAM");
        refused("GET", "/room_keys/keys", alice, null, 400, "M_MISSING_PARAM");

        // the older version keeps its keys, readable and deletable
        assertThat(ok("GET", "/room_keys/keys?version=" + v1, alice, null)).isEqualTo(json("{\"rooms\":{\"" + ROOM + "\":{\"sessions\":{\"s1\":"
                + key(0, 0, false, "a") + "}}}}"));
        assertThat(ok("GET", "/room_keys/keys?version=" + v2, alice, null)).isEqualTo(json("{\"rooms\":{}}"));
        assertThat(putSession(alice, v2, ROOM, "s1", key(0, 0, false, "c"))).isEqualTo(json("{\"etag\":\"1\",\"count\":1}"));

        // the latest deleted: the one before is the latest again, and takes keys
        ok("DELETE", "/room_keys/version/" + v2, alice, null);
        refused("GET", "/room_keys/keys?version=" + v2, alice, null, 404, "M_NOT_FOUND");
        refused("PUT", "/room_keys/keys/" + ROOM + "/s1?version=" + v2, alice, key(0, 0, true, "d"), 404, "M_NOT_FOUND");
        refused("DELETE", "/room_keys/keys?version=" + v2, alice, null, 404, "M_NOT_FOUND");
        assertThat(putSession(alice, v1, ROOM, "s2", key(0, 0, false, "e"))).isEqualTo(json("{\"etag\":\"2\",\"count\":2}"));
        // a deleted version's keys are gone with it
        ok("DELETE", "/room_keys/version/" + v1, alice, null);
        refused("GET", "/room_keys/keys/" + ROOM + "?version=" + v1, alice, null, 404, "M_NOT_FOUND");
        refused("GET", "/room_keys/keys/" + ROOM + "/s1?version=" + v1, alice, null, 404, "M_NOT_FOUND");
        assertThat(server.storage().backedUpKeys("@alice:localhost", 1, java.util.Optional.empty(), java.util.Optional.empty())).isEmpty();
        assertThat(server.storage().backedUpKeyCount("@alice:localhost", 2)).isZero();
    }

    @ParameterizedTest
    @ValueSource(strings = {"sqlite", "postgresql"})
    void anotherUsersBackupIsNotFoundAndStaysAsItWas(String backend) throws Exception {
        start(backend);
        String alice = http.register("alice", "alice-password");
        String bob = http.register("bob", "bob-password");
        create(alice, "key1");
        String v = create(alice, "key2");
        putSession(alice, v, ROOM, "s1", key(0, 0, true, "alice's"));
        JsonNode aliceVersion = ok("GET", "/room_keys/version", alice, null);
        JsonNode aliceKeys = ok("GET", "/room_keys/keys?version=" + v, alice, null);

        refused("GET", "/room_keys/version", bob, null, 404, "M_NOT_FOUND");
        refused("GET", "/room_keys/version/" + v, bob, null, 404, "M_NOT_FOUND");
        refused("PUT", "/room_keys/version/" + v, bob, version("bob's"), 404, "M_NOT_FOUND");
        refused("DELETE", "/room_keys/version/" + v, bob, null, 404, "M_NOT_FOUND");
        refused("GET", "/room_keys/keys?version=" + v, bob, null, 404, "M_NOT_FOUND");
        refused("GET", "/room_keys/keys/" + ROOM + "?version=" + v, bob, null, 404, "M_NOT_FOUND");
        refused("GET", "/room_keys/keys/" + ROOM + "/s1?version=" + v, bob, null, 404, "M_NOT_FOUND");
        refused("PUT", "/room_keys/keys/" + ROOM + "/s1?version=" + v, bob, key(0, 0, true, "bob's"), 404, "M_NOT_FOUND");
        refused("PUT", "/room_keys/keys?version=" + v, bob, "{\"rooms\":{}}", 404, "M_NOT_FOUND");
        refused("DELETE", "/room_keys/keys?version=" + v, bob, null, 404, "M_NOT_FOUND");
        refused("DELETE", "/room_keys/keys/" + ROOM + "?version=" + v, bob, null, 404, "M_NOT_FOUND");
        refused("DELETE", "/room_keys/keys/" + ROOM + "/s1?version=" + v, bob, null, 404, "M_NOT_FOUND");

        // bob's own backup is numbered for him and holds only his keys
        assertThat(create(bob, "bob's")).isEqualTo("1");
        refused("PUT", "/room_keys/keys/" + ROOM + "/s1?version=" + v, bob, key(0, 0, true, "bob's"), 404, "M_NOT_FOUND");
        refused("GET", "/room_keys/keys?version=" + v, bob, null, 404, "M_NOT_FOUND");
        putSession(bob, "1", ROOM, "s1", key(0, 0, true, "bob's"));
        ok("DELETE", "/room_keys/keys?version=1", bob, null);
        ok("DELETE", "/room_keys/version/1", bob, null);

        assertThat(ok("GET", "/room_keys/version", alice, null)).isEqualTo(aliceVersion);
        assertThat(ok("GET", "/room_keys/keys?version=" + v, alice, null)).isEqualTo(aliceKeys);
        assertThat(ok("GET", "/room_keys/version/1", alice, null).path("version").asText()).isEqualTo("1");

        // a deactivated account keeps no backup
        ok("POST", "/account/deactivate", alice, "{\"auth\":{\"type\":\"m.login.password\",\"identifier\":{\"type\":\"m.id.user\","
                + "\"user\":\"alice\"},\"password\":\"alice-password\"}}");
        assertThat(server.storage().latestBackupVersion("@alice:localhost")).isEmpty();
        assertThat(server.storage().backedUpKeyCount("@alice:localhost", Long.parseLong(v))).isZero();
    }

    @ParameterizedTest
    @ValueSource(strings = {"sqlite", "postgresql"})
    void malformedRequestsAreRefusedAndChangeNothing(String backend) throws Exception {
        start(backend);
        String alice = http.register("alice", "alice-password");
        for (String body : new String[] {"null", "[]", "\"s\"", "7", "{not json"}) {
            refused("POST", "/room_keys/version", alice, body, 400, "M_NOT_JSON");
        }
        for (String body : new String[] {"{}", "{\"algorithm\":\"" + ALGORITHM + "\"}", "{\"auth_data\":{}}",
                "{\"algorithm\":7,\"auth_data\":{}}", "{\"algorithm\":\"" + ALGORITHM + "\",\"auth_data\":[]}",
                "{\"algorithm\":\"" + ALGORITHM + "\",\"auth_data\":null}", "{\"algorithm\":null,\"auth_data\":{}}"}) {
            refused("POST", "/room_keys/version", alice, body, 400, "M_BAD_JSON");
        }
        refused("GET", "/room_keys/version", alice, null, 404, "M_NOT_FOUND");
        String v = create(alice, "key1");
        putSession(alice, v, ROOM, "s1", key(2, 0, false, "held"));
        JsonNode before = ok("GET", "/room_keys/keys?version=" + v, alice, null);

        String keys = "/room_keys/keys?version=" + v;
        for (String body : new String[] {"null", "[]", "\"s\""}) {
            refused("PUT", keys, alice, body, 400, "M_NOT_JSON");
            refused("PUT", "/room_keys/keys/" + ROOM + "/s1?version=" + v, alice, body, 400, "M_NOT_JSON");
            refused("PUT", "/room_keys/version/" + v, alice, body, 400, "M_NOT_JSON");
        }
        String[] badKeys = {"{\"rooms\":null}", "{\"rooms\":[]}", "{}", "{\"rooms\":{\"" + ROOM + "\":null}}",
                "{\"rooms\":{\"" + ROOM + "\":{}}}", "{\"rooms\":{\"" + ROOM + "\":{\"sessions\":[]}}}",
                "{\"rooms\":{\"" + ROOM + "\":{\"sessions\":{\"s1\":null}}}}",
                "{\"rooms\":{\"" + ROOM + "\":{\"sessions\":{\"s1\":{}}}}}",
                "{\"rooms\":{\"" + ROOM + "\":{\"sessions\":{\"s1\":" + key(0, 0, false, "x").replace("\"is_verified\":false", "\"is_verified\":\"yes\"")
                        + "}}}}",
                "{\"rooms\":{\"" + ROOM + "\":{\"sessions\":{\"s1\":" + key(0, 0, false, "x").replace("\"first_message_index\":0",
                        "\"first_message_index\":\"0\"") + "}}}}",
                "{\"rooms\":{\"" + ROOM + "\":{\"sessions\":{\"s1\":" + key(0, 0, false, "x").replace("\"first_message_index\":0",
                        "\"first_message_index\":1.5") + "}}}}",
                "{\"rooms\":{\"" + ROOM + "\":{\"sessions\":{\"s1\":" + key(0, 0, false, "x").replace("\"first_message_index\":0",
                        "\"first_message_index\":99999999999999999999999") + "}}}}",
                "{\"rooms\":{\"" + ROOM + "\":{\"sessions\":{\"s1\":{\"first_message_index\":0,\"forwarded_count\":0,\"is_verified\":false,"
                        + "\"session_data\":\"opaque\"}}}}}",
                "{\"rooms\":{\"" + ROOM + "\":{\"sessions\":{\"s1\":{\"first_message_index\":0,\"forwarded_count\":0,\"is_verified\":false}}}}}"};
        for (String body : badKeys) {
            refused("PUT", keys, alice, body, 400, "M_BAD_JSON");
        }
        // fits the schema, but not what a backup holds: an ID that is not a room's, an empty or over-long session, a negative count
        String[] invalid = {"{\"rooms\":{\"not-a-room\":{\"sessions\":{\"s9\":" + key(0, 0, false, "x") + "}}}}",
                "{\"rooms\":{\"" + ROOM + "\":{\"sessions\":{\"\":" + key(0, 0, false, "x") + "}}}}",
                "{\"rooms\":{\"" + ROOM + "\":{\"sessions\":{\"" + "s".repeat(300) + "\":" + key(0, 0, false, "x") + "}}}}",
                "{\"rooms\":{\"" + ROOM + "\":{\"sessions\":{\"s9\":" + key(-1, 0, false, "x") + "}}}}",
                "{\"rooms\":{\"" + ROOM + "\":{\"sessions\":{\"s1\":" + key(0, -5, true, "x") + "}}}}",
                "{\"rooms\":{\"" + ROOM + "\":{\"sessions\":{\"s9\":" + key(0, 0, false, "x") + "}},\"!bad\":{\"sessions\":{\"s9\":"
                        + key(0, 0, false, "x") + "}}}}"};
        for (String body : invalid) {
            refused("PUT", keys, alice, body, 400, "M_INVALID_PARAM");
        }
        refused("PUT", "/room_keys/keys/" + ROOM + "/s1?version=" + v, alice, key(-1, 0, true, "x"), 400, "M_INVALID_PARAM");
        refused("PUT", "/room_keys/keys/not-a-room/s1?version=" + v, alice, key(0, 0, true, "x"), 400, "M_INVALID_PARAM");
        refused("PUT", "/room_keys/keys/not-a-room?version=" + v, alice, "{\"sessions\":{}}", 400, "M_INVALID_PARAM");
        refused("GET", "/room_keys/keys/not-a-room?version=" + v, alice, null, 400, "M_INVALID_PARAM");
        refused("PUT", "/room_keys/keys/" + ROOM + "?version=" + v, alice, "{\"sessions\":{\"s1\":{\"is_verified\":true}}}", 400, "M_BAD_JSON");
        refused("PUT", "/room_keys/version/" + v, alice, "{\"algorithm\":\"" + ALGORITHM + "\"}", 400, "M_BAD_JSON");
        refused("PUT", "/room_keys/version/" + v, alice, "{\"algorithm\":\"" + ALGORITHM + "\",\"auth_data\":{},\"version\":1}", 400,
                "M_BAD_JSON");

        assertThat(ok("GET", "/room_keys/keys?version=" + v, alice, null)).isEqualTo(before);
        assertThat(ok("GET", "/room_keys/version", alice, null)).isEqualTo(json("{\"algorithm\":\"" + ALGORITHM + "\",\"auth_data\":"
                + authData("key1") + ",\"count\":1,\"etag\":\"1\",\"version\":\"1\"}"));
    }
}
