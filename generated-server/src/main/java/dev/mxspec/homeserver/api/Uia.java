package dev.mxspec.homeserver.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mxspec.homeserver.core.Ids;
import dev.mxspec.homeserver.services.AccountService;
import dev.mxspec.homeserver.services.RegistrationTokens;
import dev.mxspec.homeserver.services.ThirdPartyIds;
import dev.mxspec.runtime.api.ErrorCodes;
import dev.mxspec.runtime.api.MatrixException;
import dev.mxspec.runtime.json.MatrixJson;
import dev.mxspec.runtime.server.RequestContext;
import dev.mxspec.runtime.server.ServerRequest;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.LongSupplier;

/**
 * User-interactive authentication (the spec's "User-Interactive Authentication API"): an operation offers
 * one or more flows (each a list of stages), the 401 lists them all, and the client completes any one of them,
 * a stage a request, in any order. Registration offers {@code m.login.dummy} and, when the server validates
 * addresses, {@code m.login.email.identity} and {@code m.login.msisdn} (each after
 * {@code m.login.registration_token} when registration requires a token); sensitive operations
 * {@code m.login.password}. A stage is accepted when some offered flow has it. A session is made by the first
 * request of an operation and remembers:
 *
 * <ul>
 *   <li>the operation (method and path): another operation with the session is refused (403), as
 *       Synapse refuses it;
 *   <li>the user it authenticates (none for registration): another user is refused (403);
 *   <li>the parameters of the first request (its body without {@code auth}): a later request may
 *       leave them out (they are used from the session) but not change them (403);
 *   <li>the stages completed, and a result an operation stores (the user ID a registration made, so
 *       that a retry answers with the same user).
 * </ul>
 *
 * A stage fails with the 401 of the flows plus {@code errcode} and {@code error} (failed password
 * stages count against the account as failed logins do, {@link AccountService#checkPassword}); a session the
 * server never gave is 400. Sessions live in memory for {@link #LIFETIME_MS}, at most
 * {@link #MAX_SESSIONS} at a time (the oldest go first).
 */
public final class Uia {

    static final long LIFETIME_MS = 30 * 60 * 1000;
    static final int MAX_SESSIONS = 10_000;

    static final String DUMMY = "m.login.dummy";
    static final String PASSWORD = "m.login.password";
    static final String REGISTRATION_TOKEN = "m.login.registration_token";
    static final String EMAIL_IDENTITY = "m.login.email.identity";
    static final String MSISDN = "m.login.msisdn";

    /** A session once its flow is complete: the parameters to act on, and a result slot for the operation. */
    static final class Session {
        private final String id;
        private final String operation;
        private final Optional<String> userId;
        private final List<List<String>> flows;
        private ObjectNode params;
        private String registrationToken;
        private final List<ThirdPartyIds.Validated> proofs = new ArrayList<>();
        private final Set<String> completed = new LinkedHashSet<>();
        private final long expiresMs;
        private String result;

        private Session(String id, String operation, Optional<String> userId, List<List<String>> flows, ObjectNode params, long expiresMs) {
            this.id = id;
            this.operation = operation;
            this.userId = userId;
            this.flows = flows.stream().map(List::copyOf).toList();
            this.params = params;
            this.expiresMs = expiresMs;
        }

        /** The parameters of the operation: those of the session's first request that had any. */
        synchronized ObjectNode params() {
            return params.deepCopy();
        }

        /** What the operation stored when it first completed with this session. */
        synchronized Optional<String> result() {
            return Optional.ofNullable(result);
        }

        synchronized void result(String value) {
            result = value;
        }

        /** Whether {@code stage} is in one of the offered flows. */
        private boolean offers(String stage) {
            return flows.stream().anyMatch(f -> f.contains(stage));
        }

        /** Whether the completed stages make up a whole flow. */
        private boolean complete() {
            return flows.stream().anyMatch(completed::containsAll);
        }

        /** The addresses the email and phone stages proved, in the order they passed. */
        synchronized List<ThirdPartyIds.Validated> proofs() {
            return List.copyOf(proofs);
        }

        /** The registration token whose use this session counts, once its stage passed. */
        synchronized Optional<String> registrationToken() {
            return Optional.ofNullable(registrationToken);
        }
    }

    private final AccountService accounts;
    private final LongSupplier clock;
    private volatile Optional<RegistrationTokens> tokens = Optional.empty();
    private volatile Optional<ThirdPartyIds> threepids = Optional.empty();
    private final Map<String, Session> sessions = new LinkedHashMap<>();

    Uia(AccountService accounts, LongSupplier clock) {
        this.accounts = accounts;
        this.clock = clock;
    }

    /** Checks {@code m.login.registration_token} stages with these tokens. */
    void registrationTokens(RegistrationTokens tokens) {
        this.tokens = Optional.of(tokens);
    }

    /** Checks {@code m.login.email.identity} and {@code m.login.msisdn} stages with the validation sessions of these. */
    void thirdPartyIds(ThirdPartyIds threepids) {
        this.threepids = Optional.of(threepids);
    }

    /** Whether a request continues a session (its {@code auth} names one). */
    static boolean continues(RequestContext context) {
        try {
            JsonNode body = MatrixJson.mapper().readTree(context.request().body());
            return body != null && body.path("auth").path("session").isTextual();
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * Passes when the request's {@code auth} completes the flow of {@code stage} (with the stages
     * completed before in its session); throws the 401 that asks for the next step otherwise.
     *
     * @param userId the user the operation acts for; empty for registration
     */
    Session require(RequestContext context, String stage, Optional<String> userId) {
        return require(context, List.of(List.of(stage)), userId);
    }

    /**
     * As {@link #require(RequestContext, String, Optional)} for several flows: passes once the stages completed in the
     * session (in any order, one a request) make up any one of {@code flows}.
     */
    Session require(RequestContext context, List<List<String>> flows, Optional<String> userId) {
        ServerRequest request = context.request();
        String operation = request.method() + " " + request.path();
        ObjectNode body = body(request);
        JsonNode auth = body.remove("auth");
        if (auth != null && auth.isNull()) {
            auth = null;
        } else if (auth != null && !auth.isObject()) {
            throw MatrixException.badJson("auth must be an object");
        }
        ObjectNode params = body;
        Session session;
        JsonNode sessionId = auth == null ? null : auth.get("session");
        if (sessionId == null) {
            session = create(operation, userId, flows, params);
            if (auth == null) {
                throw challenge(session, Optional.empty());
            }
        } else {
            session = find(sessionId.asText());
            if (!session.operation.equals(operation)) {
                throw MatrixException.forbidden("the requested operation changed during the authentication session");
            }
            if (!session.userId.equals(userId)) {
                throw MatrixException.forbidden("the authentication session belongs to another user");
            }
            synchronized (session) {
                if (session.params.isEmpty()) {
                    session.params = params.deepCopy(); // the first request had none (an empty body)
                } else if (!params.isEmpty() && !params.equals(session.params)) {
                    throw MatrixException.forbidden("the request's parameters changed during the authentication session");
                }
            }
        }
        synchronized (session) {
            JsonNode type = auth.get("type");
            if (type != null) {
                if (!type.isTextual() || !session.offers(type.asText())) {
                    throw challenge(session, Optional.empty()); // a stage of no offered flow: nothing completed
                }
                String stage = type.asText();
                if (!session.completed.contains(stage)) { // a stage done already is not done again (a retry)
                    Optional<MatrixException> failure = attempt(stage, auth, userId, session);
                    if (failure.isPresent()) {
                        throw challenge(session, failure);
                    }
                    session.completed.add(stage);
                }
            }
            if (!session.complete()) {
                throw challenge(session, Optional.empty());
            }
        }
        return session;
    }

    /** Checks one stage; the failure the client may retry after, or nothing when it passed. */
    private Optional<MatrixException> attempt(String stage, JsonNode auth, Optional<String> userId, Session session) {
        if (stage.equals(DUMMY)) {
            return Optional.empty();
        }
        if (stage.equals(REGISTRATION_TOKEN)) {
            JsonNode token = auth.get("token");
            if (token == null || !token.isTextual()) {
                throw MatrixException.missingParam("auth.token");
            }
            if (tokens.isEmpty() || !tokens.get().reserve(token.asText())) {
                return Optional.of(MatrixException.forbidden("the registration token is not valid"));
            }
            session.registrationToken = token.asText();
            return Optional.empty();
        }
        if (stage.equals(EMAIL_IDENTITY) || stage.equals(MSISDN)) {
            return threepidStage(stage.equals(EMAIL_IDENTITY) ? "email" : "msisdn", auth, session);
        }
        JsonNode password = auth.get("password");
        if (password == null || !password.isTextual()) {
            throw MatrixException.missingParam("auth.password");
        }
        JsonNode identifier = auth.get("identifier");
        JsonNode user = identifier != null && identifier.isObject() ? identifier.get("user") : auth.get("user");
        String owner = userId.orElseThrow();
        if (user != null && (!user.isTextual() || !sameUser(user.asText(), owner))) {
            throw MatrixException.forbidden("authentication must be as the user making the request");
        }
        try {
            accounts.checkPassword(owner, password.asText());
            return Optional.empty();
        } catch (MatrixException wrong) {
            if (wrong.status() != 403) {
                throw wrong; // too many failures (M_LIMIT_EXCEEDED) is no stage to retry now
            }
            return Optional.of(wrong);
        }
    }

    /**
     * An address proved by a validation session of {@code /register/.../requestToken}: {@code threepid_creds} (or the
     * older {@code threepidCreds}) with its {@code sid} and {@code client_secret}. A session unknown, of another operation,
     * not validated or expired fails with 401 {@code M_UNAUTHORIZED}, as Synapse's "Unable to get validated threepid",
     * so that the client may retry once the address is validated.
     */
    private Optional<MatrixException> threepidStage(String medium, JsonNode auth, Session session) {
        JsonNode creds = auth.has("threepid_creds") ? auth.get("threepid_creds") : auth.get("threepidCreds");
        if (creds == null || creds.isNull()) {
            throw MatrixException.missingParam("auth.threepid_creds");
        }
        if (!creds.isObject()) {
            throw MatrixException.badJson("auth.threepid_creds must be an object with sid and client_secret");
        }
        try {
            session.proofs.add(threepids.orElseThrow().validatedForRegistration(medium, text(creds, "sid"), text(creds, "client_secret")));
            return Optional.empty();
        } catch (MatrixException e) {
            if (!e.errcode().equals("M_THREEPID_AUTH_FAILED")) {
                throw e;
            }
            return Optional.of(new MatrixException(401, "M_UNAUTHORIZED", "Unable to get validated threepid: " + e.error()));
        }
    }

    private static String text(JsonNode holder, String key) {
        JsonNode value = holder.get(key);
        if (value == null || value.isNull()) {
            throw MatrixException.missingParam("auth.threepid_creds." + key);
        }
        if (!value.isTextual()) {
            throw MatrixException.badJson("auth.threepid_creds." + key + " must be a string");
        }
        return value.asText();
    }

    private boolean sameUser(String given, String userId) {
        try {
            return Ids.userId(given, accounts.serverName()).equals(userId);
        } catch (MatrixException e) {
            return false;
        }
    }

    private Session create(String operation, Optional<String> userId, List<List<String>> flows, ObjectNode params) {
        long now = clock.getAsLong();
        Session session = new Session(Ids.random(24), operation, userId, flows, params.deepCopy(), now + LIFETIME_MS);
        synchronized (sessions) {
            sessions.values().removeIf(s -> s.expiresMs < now);
            while (sessions.size() >= MAX_SESSIONS) {
                sessions.remove(sessions.keySet().iterator().next());
            }
            sessions.put(session.id, session);
        }
        return session;
    }

    private Session find(String id) {
        synchronized (sessions) {
            Session s = sessions.get(id);
            if (s == null || s.expiresMs < clock.getAsLong()) {
                throw new MatrixException(400, ErrorCodes.M_UNKNOWN, "unknown authentication session");
            }
            return s;
        }
    }

    /** The 401 of the flows, with what the session completed and, after a failed stage, its error. */
    private static MatrixException challenge(Session session, Optional<MatrixException> failure) {
        ObjectNode body = MatrixJson.mapper().createObjectNode();
        failure.ifPresent(f -> body.put("errcode", f.errcode()).put("error", f.error()));
        ArrayNode flows = body.putArray("flows");
        for (List<String> flow : session.flows) {
            ArrayNode stages = flows.addObject().putArray("stages");
            flow.forEach(stages::add);
        }
        body.putObject("params");
        body.put("session", session.id);
        ArrayNode completed = body.putArray("completed");
        synchronized (session) {
            session.completed.forEach(completed::add);
        }
        return MatrixException.withBody(401, body);
    }

    private static ObjectNode body(ServerRequest request) {
        if (request.body().length == 0 || request.body() == EMPTY_OBJECT || request.body() == NO_DEVICES) {
            return MatrixJson.mapper().createObjectNode();
        }
        try {
            JsonNode tree = MatrixJson.mapper().readTree(request.body());
            if (tree instanceof ObjectNode object) {
                return object;
            }
        } catch (IOException e) {
            // refused below
        }
        throw MatrixException.notJson("request body is not a JSON object");
    }

    /**
     * Requests of operations behind user-interactive authentication that the generated router
     * would refuse for their empty body: the spec's note says such a request gets the 401 of the
     * flows, so the empty body is read as the smallest body that fits (no {@code auth}, so nothing
     * can happen but the 401).
     */
    public static ServerRequest emptyBodyAsChallenge(ServerRequest r) {
        if (r.body().length != 0) {
            return r;
        }
        byte[] body = null;
        if (r.method().equals("DELETE") && r.path().startsWith("/_matrix/client/v3/devices/")) {
            body = EMPTY_OBJECT;
        } else if (r.method().equals("POST") && r.path().equals("/_matrix/client/v3/delete_devices")) {
            body = NO_DEVICES;
        }
        return body == null ? r : new ServerRequest(r.method(), r.path(), r.query(), r.headers(), body, r.remoteAddress());
    }

    /** The bodies put in place of empty ones, known by identity: their requests carry no parameters. */
    private static final byte[] EMPTY_OBJECT = "{}".getBytes(java.nio.charset.StandardCharsets.UTF_8);
    private static final byte[] NO_DEVICES = "{\"devices\":[]}".getBytes(java.nio.charset.StandardCharsets.UTF_8);
}
