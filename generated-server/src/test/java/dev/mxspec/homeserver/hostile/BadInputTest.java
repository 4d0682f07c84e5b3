package dev.mxspec.homeserver.hostile;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mxspec.homeserver.hostile.Fixture.User;
import dev.mxspec.homeserver.hostile.Operations.Op;
import dev.mxspec.runtime.api.Endpoint;
import dev.mxspec.runtime.json.MatrixJson;
import dev.mxspec.runtime.server.JsonShape;
import dev.mxspec.spec.v1_7.clientserver.server.ClientServerRouter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every v1.7 Client-Server operation, from its generated metadata, gets input that does not fit:
 * no body, JSON {@code null}, each wrong top-level type, each body field (and each field of a field
 * that is an object) with each JSON type it may not have and each required field left out, each
 * typed query parameter with a value of the wrong kind, each path parameter malformed (wrong sigil,
 * no server part, too long, NUL, CR/LF, an encoded {@code /}, {@code ..}), and the methods its path
 * does not have. Every answer must be Matrix error JSON with the fitting 4xx status (never a 5xx),
 * and what the caller can see must be the same before and after each operation's refused requests.
 * Requests go through the real HTTP server.
 */
class BadInputTest {

    /**
     * Known defects outside the router (each case that still fails, with the reason); the test fails
     * when one of these starts passing, so that the list is emptied as they are fixed.
     */
    static final List<Tally.Expected> EXPECTED_FAILURES = List.of();

    /** Operations behind user-interactive auth whose empty body is a request without auth data, not bad JSON. */
    static final java.util.Set<String> UIA_EMPTY_BODY = java.util.Set.of("deleteDevice", "deleteDevices");

    /** String query parameters that name something that exists (the key backup version made in the set-up). */
    private static final Map<String, String> QUERY_VALUES = Map.of("version", "1");

    private static final String[] WRONG_VALUES = {"\"s\"", "7", "1.5", "true", "[]", "{}", "null"};
    private static final String[] METHODS = {"GET", "PUT", "POST", "DELETE"};
    private static final Set<String> IDENTIFIERS = Set.of("userId", "roomId", "roomAlias", "roomIdOrAlias", "eventId", "serverName",
            "mediaId");

    @TempDir
    Path dir;

    private Fixture fx;
    private Tally tally;
    private User alice;
    private Map<String, String> pathValues;
    private List<String> aliases;
    /** Whether a request of the current operation was accepted (only a grammatical unknown ID can be). */
    private boolean acceptedInOp;

    @ParameterizedTest
    @ValueSource(strings = {"sqlite", "postgresql"})
    void everyOperationRefusesInputThatDoesNotFitItsSchema(String backend) throws Exception {
        long start = System.nanoTime();
        try (Fixture fixture = Fixture.start(backend, dir)) {
            fx = fixture;
            tally = new Tally();
            alice = fx.register("alice");
            String room = fx.createRoom(alice, "{\"name\":\"hostile\",\"room_alias_name\":\"hostile\"}");
            String event = fx.send(alice, room, "hello");
            String device = fx.raw.ok("GET", Fixture.CS + "/account/whoami", alice.token(), null).path("device_id").asText();
            aliases = List.of("#hostile:localhost");
            pathValues = new LinkedHashMap<>(Map.of("userId", alice.id(), "roomId", room, "roomIdOrAlias", room, "eventId", event,
                    "roomAlias", "#hostile:localhost", "serverName", "localhost", "mediaId", "abcdef", "deviceId", device));
            pathValues.putAll(Map.of("eventType", "m.room.message", "stateKey", "sk", "txnId", "t1", "type", "m.hostile", "tag", "u.t",
                    "scope", "global", "ruleId", "hostile", "filterId", "1"));
            // a key backup with a key, so that the /room_keys operations meet a version that exists ("1", as QUERY_VALUES has it)
            String backup = fx.raw.ok("POST", Fixture.CS + "/room_keys/version", alice.token(), "{\"algorithm\":"
                    + "\"m.megolm_backup.v1.curve25519-aes-sha2\",\"auth_data\":{\"public_key\":\"k\"}}").path("version").asText();
            fx.raw.ok("PUT", Fixture.CS + "/room_keys/keys/" + Fixture.seg(room) + "/s1?version=" + backup, alice.token(),
                    "{\"first_message_index\":0,\"forwarded_count\":0,\"is_verified\":false,\"session_data\":{\"ciphertext\":\"c\"}}");
            pathValues.putAll(Map.of("version", backup, "sessionId", "s1"));

            List<Op> ops = Operations.clientServer();
            Map<String, Set<String>> methodsByPath = new LinkedHashMap<>();
            ops.forEach(op -> methodsByPath.computeIfAbsent(op.endpoint().path(), p -> new TreeSet<>()).add(op.endpoint().method()));
            Set<String> methodsChecked = new TreeSet<>();
            for (Op op : ops) {
                JsonNode before = snapshots(op) ? fx.snapshot(alice, aliases) : null;
                acceptedInOp = false;
                boolean served = served(op);
                bodyCases(op, served);
                queryCases(op, served);
                pathCases(op, served);
                if (methodsChecked.add(op.endpoint().path())) {
                    for (String method : METHODS) {
                        if (!methodsByPath.get(op.endpoint().path()).contains(method)) {
                            Raw.Reply r = send(op, method, base(op), query(op, Map.of()), body(op));
                            check(op.name() + " method " + method, r, served ? 405 : 404, "M_UNRECOGNIZED", served);
                        }
                    }
                }
                if (before != null && !acceptedInOp) {
                    JsonNode after = fx.snapshot(alice, aliases);
                    tally.record(op.name() + " state unchanged", before.equals(after) ? null : "before " + before + " after " + after);
                }
            }
        }
        long ms = (System.nanoTime() - start) / 1_000_000;
        List<String> problems = tally.against(EXPECTED_FAILURES);
        System.out.printf("bad-input suite (%s): %d operations, %d requests, %d cases, %d failed (%d of them expected failures), %d ms%n",
                backend, ClientServerRouter.ENDPOINTS.size(), fx.raw.requests(), tally.cases(), tally.failures(),
                tally.expectedFailures(EXPECTED_FAILURES), ms);
        assertThat(problems).isEmpty();
    }

    /** Operations that can change state get a snapshot before and after. */
    private static boolean snapshots(Op op) {
        return !op.endpoint().method().equals("GET") && op.endpoint().authenticated();
    }

    /**
     * Whether this homeserver serves the operation (the others answer {@code M_UNRECOGNIZED}),
     * asked in a way that cannot change anything: without a token where one is needed, with a body
     * that is not JSON where one is taken, with an over-long path parameter, else (a read) as it is.
     */
    private boolean served(Op op) throws Exception {
        Endpoint e = op.endpoint();
        Map<String, String> raw = new LinkedHashMap<>();
        base(op).forEach((k, v) -> raw.put(k, Fixture.seg(v)));
        if (!e.authenticated() && op.body().isEmpty() && !e.method().equals("GET")) {
            if (e.pathParams().isEmpty()) {
                throw new IllegalStateException("no harmless way to ask whether " + e + " is served");
            }
            raw.put(e.pathParams().getFirst(), "a".repeat(300)); // refused by the router of a served operation
        }
        StringBuilder path = new StringBuilder();
        for (String segment : e.segments()) {
            path.append('/').append(segment.startsWith("{") ? raw.get(segment.substring(1, segment.length() - 1)) : segment);
        }
        Raw.Reply r = fx.raw.send(e.method(), path + query(op, Map.of()), null, op.body().isPresent() ? "{not json" : null);
        return !(r.status() == 404 && r.errcode().equals("M_UNRECOGNIZED"));
    }

    private void bodyCases(Op op, boolean served) throws Exception {
        if (op.body().isEmpty()) {
            return;
        }
        JsonShape shape = op.body().get();
        Map<String, String> path = base(op);
        String query = query(op, Map.of());
        check(op.name() + " body not JSON", send(op, op.endpoint().method(), path, query, "{not json"), 400, "M_NOT_JSON", served);
        if (op.bodyRequired() && UIA_EMPTY_BODY.contains(op.name())) {
            // behind user-interactive auth: a request without auth data gets the 401 of the flows (the spec's UIA note)
            Raw.Reply r = send(op, op.endpoint().method(), path, query, "");
            tally.record(op.name() + " body empty", r.status() == 401 && r.json() != null && r.json().path("flows").isArray()
                    && r.json().path("session").isTextual() ? null : "expected the 401 of the flows, got " + r);
        } else if (op.bodyRequired()) {
            check(op.name() + " body empty", send(op, op.endpoint().method(), path, query, ""), 400, "M_NOT_JSON", served);
        }
        boolean object = Operations.wantsObject(shape);
        for (String wrong : WRONG_VALUES) {
            JsonNode value = MatrixJson.mapper().readTree(wrong);
            if (object ? !value.isObject() : !shape.accepts(value)) {
                check(op.name() + " body " + wrong, send(op, op.endpoint().method(), path, query, wrong), 400,
                        object ? "M_NOT_JSON" : "M_BAD_JSON", served);
            }
        }
        if (Operations.resolve(shape) instanceof JsonShape.ObjectOf o) {
            ObjectNode sample = (ObjectNode) Operations.sample(shape);
            fieldCases(op, served, path, query, sample, sample, o, "body", 0);
        }
    }

    /**
     * Each field of {@code object} (a part of {@code body}) with each JSON value its shape refuses,
     * and each required field left out; fields that are objects themselves, one level down too.
     */
    private void fieldCases(Op op, boolean served, Map<String, String> path, String query, ObjectNode body, ObjectNode object,
            JsonShape.ObjectOf shape, String where, int depth) throws Exception {
        for (Map.Entry<String, JsonShape.Field> field : shape.fields().entrySet()) {
            String name = field.getKey();
            JsonNode original = object.get(name);
            for (String wrong : WRONG_VALUES) {
                JsonNode value = MatrixJson.mapper().readTree(wrong);
                if (!field.getValue().shape().accepts(value)) {
                    object.set(name, value);
                    check(op.name() + " " + where + "." + name + "=" + wrong, send(op, op.endpoint().method(), path, query, body.toString()),
                            400, "M_BAD_JSON", served);
                }
            }
            if (field.getValue().required()) {
                object.remove(name);
                check(op.name() + " " + where + "." + name + " missing", send(op, op.endpoint().method(), path, query, body.toString()), 400,
                        "M_BAD_JSON", served);
            }
            if (depth == 0 && Operations.resolve(field.getValue().shape()) instanceof JsonShape.ObjectOf inner) {
                ObjectNode child = (ObjectNode) Operations.sample(inner);
                object.set(name, child);
                fieldCases(op, served, path, query, body, child, inner, where + "." + name, depth + 1);
            }
            if (original == null) {
                object.remove(name);
            } else {
                object.set(name, original);
            }
        }
    }

    private void queryCases(Op op, boolean served) throws Exception {
        for (Map.Entry<String, Class<?>> q : op.queryTypes().entrySet()) {
            List<String> bad = new ArrayList<>();
            if (q.getValue() == Long.class) {
                bad.addAll(List.of("abc", "1.5", "99999999999999999999", ""));
            } else if (q.getValue() == Boolean.class) {
                bad.addAll(List.of("yes", "1"));
            } else if (!Operations.knownValues(q.getValue()).isEmpty()) {
                bad.add("no-such-value");
            }
            for (String value : bad) {
                Raw.Reply r = send(op, op.endpoint().method(), base(op), query(op, Map.of(q.getKey(), value)), body(op));
                check(op.name() + " query." + q.getKey() + "=" + value, r, 400, "M_INVALID_PARAM", served);
            }
        }
    }

    private void pathCases(Op op, boolean served) throws Exception {
        for (String param : op.endpoint().pathParams()) {
            Map<String, String> malformed = new LinkedHashMap<>();
            String good = Fixture.seg(base(op).get(param));
            malformed.put("NUL", good + "%00x");
            malformed.put("CR/LF", good + "%0D%0Ax");
            malformed.put("300 characters", good + "a".repeat(300));
            malformed.put("10000 characters", good + "a".repeat(10_000));
            if (IDENTIFIERS.contains(param)) {
                String value = base(op).get(param);
                malformed.put("wrong sigil", Fixture.seg((value.startsWith("@") ? "!" : "@") + value.substring(1)));
                if (!param.equals("eventId") && !param.equals("serverName") && !param.equals("mediaId")) {
                    malformed.put("no server part", Fixture.seg(value.substring(0, value.indexOf(':'))));
                }
                malformed.put("..", "..");
            }
            if (!Operations.knownValues(op.pathTypes().getOrDefault(param, Object.class)).isEmpty()) {
                malformed.put("unknown value", "no-such-value");
            }
            for (Map.Entry<String, String> m : malformed.entrySet()) {
                Map<String, String> raw = new LinkedHashMap<>();
                base(op).forEach((k, v) -> raw.put(k, Fixture.seg(v)));
                raw.put(param, m.getValue());
                Raw.Reply r = sendRaw(op, op.endpoint().method(), raw, query(op, Map.of()), body(op));
                String id = op.name() + " path." + param + " " + m.getKey();
                switch (m.getKey()) {
                    // refused by the HTTP layer before any routing, as Matrix errors: a NUL or CR/LF in a path is
                    // a malformed request, a request line over the header limit is too large
                    case "NUL", "CR/LF" -> check(id, r, 400, "M_UNKNOWN", true);
                    case "10000 characters" -> check(id, r, 414, "M_TOO_LARGE", true);
                    default -> check(id, r, 400, "M_INVALID_PARAM", served);
                }
            }
            if (IDENTIFIERS.contains(param) && !param.equals("serverName") && !param.equals("mediaId")) {
                // grammatical (a '/' sent as %2F), but names nothing that exists: never a 5xx; a handler may
                // refuse it (404, 403) or answer as for any unknown ID (tags and presence of unknown rooms and users)
                Map<String, String> raw = new LinkedHashMap<>();
                base(op).forEach((k, v) -> raw.put(k, Fixture.seg(v)));
                String value = base(op).get(param);
                int colon = value.indexOf(':');
                String slashed = colon < 0 ? value + "/x" : value.substring(0, colon) + "/x" + value.substring(colon);
                raw.put(param, Fixture.seg(slashed));
                Raw.Reply r = sendRaw(op, op.endpoint().method(), raw, query(op, Map.of()), body(op));
                tally.record(op.name() + " path." + param + " %2F", r.status() >= 500 || r.status() == 0
                        || (r.status() >= 400 && !r.isMatrixError()) ? "expected no 5xx and Matrix errors only, got " + r : null);
            }
        }
    }

    private Map<String, String> base(Op op) {
        Map<String, String> values = new LinkedHashMap<>();
        for (String p : op.endpoint().pathParams()) {
            List<String> known = Operations.knownValues(op.pathTypes().getOrDefault(p, Object.class));
            values.put(p, !known.isEmpty() ? known.getFirst() : pathValues.getOrDefault(p, "x"));
        }
        return values;
    }

    /** The query string: required parameters with fitting values, then {@code overrides}. */
    private static String query(Op op, Map<String, String> overrides) {
        StringBuilder q = new StringBuilder();
        overrides.forEach((k, v) -> q.append(q.isEmpty() ? "?" : "&").append(Fixture.query(k)).append('=').append(Fixture.query(v)));
        for (Map.Entry<String, Class<?>> e : op.queryTypes().entrySet()) {
            if (overrides.containsKey(e.getKey()) || !requiredQuery(op, e.getKey())) {
                continue;
            }
            List<String> known = Operations.knownValues(e.getValue());
            String value = e.getValue() == Long.class ? "1" : e.getValue() == Boolean.class ? "true"
                    : !known.isEmpty() ? known.getFirst() : QUERY_VALUES.getOrDefault(e.getKey(), "x");
            q.append(q.isEmpty() ? "?" : "&").append(Fixture.query(e.getKey())).append('=').append(Fixture.query(value));
        }
        return q.toString();
    }

    /** Query parameters a request record holds without {@code Optional} are required. */
    private static boolean requiredQuery(Op op, String name) {
        for (var c : Operations.requestRecord(op.endpoint()).getRecordComponents()) {
            if (c.getName().replace("_", "").equalsIgnoreCase(name.replace("_", ""))) {
                return c.getType() != java.util.Optional.class && c.getType() != List.class;
            }
        }
        return false;
    }

    /** A body of the right shape, so that only the part under test is wrong; null when there is none. */
    private static String body(Op op) {
        return op.body().map(s -> Operations.sample(s).toString()).orElse(null);
    }

    private Raw.Reply send(Op op, String method, Map<String, String> path, String query, String body) throws Exception {
        Map<String, String> raw = new LinkedHashMap<>();
        path.forEach((k, v) -> raw.put(k, Fixture.seg(v)));
        return sendRaw(op, method, raw, query, body);
    }

    private Raw.Reply sendRaw(Op op, String method, Map<String, String> encodedPath, String query, String body) throws Exception {
        Endpoint e = op.endpoint();
        StringBuilder path = new StringBuilder();
        for (String segment : e.segments()) {
            path.append('/');
            path.append(segment.startsWith("{") ? encodedPath.get(segment.substring(1, segment.length() - 1)) : segment);
        }
        Raw.Reply r = fx.raw.send(method, path + query, e.authenticated() ? alice.token() : null, body);
        acceptedInOp |= r.status() >= 200 && r.status() < 300;
        return r;
    }

    /**
     * Records a case: a 4xx Matrix error, with {@code status} and {@code errcode} when given; an
     * operation this homeserver does not serve must answer {@code M_UNRECOGNIZED} instead.
     */
    private void check(String caseId, Raw.Reply r, int status, String errcode, boolean served) {
        String problem = null;
        if (!r.isMatrixError() || r.status() < 400 || r.status() >= 500) {
            problem = "expected a 4xx Matrix error, got " + r;
        } else if (!served) {
            if (!r.errcode().equals("M_UNRECOGNIZED")) {
                problem = "operation not served, expected M_UNRECOGNIZED, got " + r;
            }
        } else if ((status > 0 && r.status() != status) || (errcode != null && !r.errcode().equals(errcode))) {
            problem = "expected " + status + " " + errcode + ", got " + r;
        }
        tally.record(caseId, problem);
    }
}
