package dev.mxspec.homeserver.main;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mxspec.homeserver.crypto.JsonSigning;
import dev.mxspec.homeserver.crypto.SigningKey;
import dev.mxspec.homeserver.http.HttpServer;
import dev.mxspec.runtime.api.ErrorCodes;
import dev.mxspec.runtime.api.MatrixException;
import dev.mxspec.runtime.json.MatrixJson;
import dev.mxspec.runtime.server.RequestContext;
import dev.mxspec.runtime.server.ServerResponse;
import com.google.i18n.phonenumbers.NumberParseException;
import com.google.i18n.phonenumbers.PhoneNumberUtil;
import dev.mxspec.spec.v1_7.clientserver.OpenIdCredentials;
import dev.mxspec.spec.v1_7.identity.BindV2Response;
import dev.mxspec.spec.v1_7.identity.GetAccountResponse;
import dev.mxspec.spec.v1_7.identity.MsisdnRequestTokenV2Request;
import dev.mxspec.spec.v1_7.identity.MsisdnSubmitTokenPostV2Response;
import dev.mxspec.spec.v1_7.identity.RegisterAccountResponse;
import dev.mxspec.spec.v1_7.identity.Sid;
import dev.mxspec.spec.v1_7.identity.endpoints.GetAccount;
import dev.mxspec.spec.v1_7.identity.endpoints.Logout;
import dev.mxspec.spec.v1_7.identity.endpoints.MsisdnRequestTokenV2;
import dev.mxspec.spec.v1_7.identity.endpoints.MsisdnSubmitTokenGetV2;
import dev.mxspec.spec.v1_7.identity.endpoints.MsisdnSubmitTokenPostV2;
import dev.mxspec.spec.v1_7.identity.endpoints.RegisterAccount;
import dev.mxspec.spec.v1_7.identity.GetHashDetailsResponse;
import dev.mxspec.spec.v1_7.identity.GetPubKeyV2Response;
import dev.mxspec.spec.v1_7.identity.GetValidated3pidV2Response;
import dev.mxspec.spec.v1_7.identity.IsEphemeralPubKeyValidV2Response;
import dev.mxspec.spec.v1_7.identity.IsPubKeyValidV2Response;
import dev.mxspec.spec.v1_7.identity.LookupUsersV2Response;
import dev.mxspec.spec.v1_7.identity.PublicKey;
import dev.mxspec.spec.v1_7.identity.StoreInviteV2Request;
import dev.mxspec.spec.v1_7.identity.StoreInviteV2Response;
import dev.mxspec.spec.v1_7.identity.endpoints.BindV2;
import dev.mxspec.spec.v1_7.identity.endpoints.GetHashDetails;
import dev.mxspec.spec.v1_7.identity.endpoints.GetPubKeyV2;
import dev.mxspec.spec.v1_7.identity.endpoints.GetValidated3pidV2;
import dev.mxspec.spec.v1_7.identity.endpoints.IsEphemeralPubKeyValidV2;
import dev.mxspec.spec.v1_7.identity.endpoints.IsPubKeyValidV2;
import dev.mxspec.spec.v1_7.identity.endpoints.LookupUsersV2;
import dev.mxspec.spec.v1_7.identity.endpoints.StoreInviteV2;
import dev.mxspec.spec.v1_7.identity.endpoints.UnbindV2;
import dev.mxspec.spec.v1_7.identity.server.IdentityRouter;
import dev.mxspec.spec.v1_7.identity.server.V2AssociationsHandler;
import dev.mxspec.spec.v1_7.identity.server.V2AuthHandler;
import dev.mxspec.spec.v1_7.identity.server.V2LookupHandler;
import dev.mxspec.spec.v1_7.identity.server.V2PhoneAssociationsHandler;
import dev.mxspec.spec.v1_7.identity.server.V2PubkeyHandler;
import dev.mxspec.spec.v1_7.identity.server.V2StoreInviteHandler;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * An identity server for tests, on the generated identity-service stubs ({@link IdentityRouter}) over the project's
 * Jetty: it accepts one access token, knows sessions the test declares validated, binds them, unbinds bindings when the
 * homeserver signs the request, answers v2 lookups (sha256 with a pepper), stores third-party invites with its Ed25519
 * key and, when an address with pending invites is bound, signs them and calls the homeserver's {@code 3pid/onbind}.
 * It validates phone numbers as an identity server does for a homeserver's {@code msisdn_delegate}: the homeserver
 * registers with an OpenID token (checked at the homeserver's {@code openid/userinfo}) for an access token, asks for an
 * SMS ("sent" by keeping its token in {@link #sms} for the test), and asks whether the session was validated.
 * With {@link #failing} set every call answers 500.
 */
final class TestIdentityServer implements AutoCloseable, V2AssociationsHandler, V2LookupHandler, V2StoreInviteHandler, V2PubkeyHandler,
        V2AuthHandler, V2PhoneAssociationsHandler {

    static final String PEPPER = "matrixrocks";

    record Session(String clientSecret, String medium, String address) {}

    /** A phone number validation session: validated once its token was submitted. */
    record PhoneSession(String sid, String clientSecret, String msisdn, String token, long sendAttempt, Long validatedAt) {}

    /** An SMS "sent": the number and the token in it. */
    record Sms(String msisdn, String token) {}

    record PendingInvite(String medium, String address, String roomId, String sender, String token) {}

    final String accessToken = "idtoken-" + UUID.randomUUID();
    /** The access tokens given by {@code account/register}, to the user IDs the homeserver's userinfo named. */
    final Map<String, String> registeredTokens = new ConcurrentHashMap<>();
    final Map<String, PhoneSession> phoneSessions = new ConcurrentHashMap<>();
    final java.util.concurrent.BlockingQueue<Sms> sms = new java.util.concurrent.LinkedBlockingQueue<>();
    /** How many SMS were asked for ({@code msisdn/requestToken} calls). */
    final java.util.concurrent.atomic.AtomicInteger smsRequests = new java.util.concurrent.atomic.AtomicInteger();
    /** The sids of the tokens submitted. */
    final List<String> submitted = new CopyOnWriteArrayList<>();
    final SigningKey key = SigningKey.generate("0");
    final Map<String, Session> validatedSessions = new ConcurrentHashMap<>();
    /** "medium address" to user ID. */
    final Map<String, String> bindings = new ConcurrentHashMap<>();
    final List<PendingInvite> pending = new CopyOnWriteArrayList<>();
    final List<String> unbindAuthorizations = new CopyOnWriteArrayList<>();
    final List<JsonNode> onbindAnswers = new CopyOnWriteArrayList<>();
    volatile boolean failing;
    volatile int homeserverPort;

    private final HttpServer http;
    private final HttpClient client = HttpClient.newHttpClient();

    TestIdentityServer() throws Exception {
        IdentityRouter router = IdentityRouter.builder((endpoint, request) -> {
            if (endpoint.equals(UnbindV2.ENDPOINT) && request.header("Authorization").orElse("").startsWith("X-Matrix ")) {
                return "homeserver"; // checked in unbindV2
            }
            String token = request.accessToken().orElse("");
            if (!token.equals(accessToken) && !registeredTokens.containsKey(token)) {
                throw new MatrixException(401, ErrorCodes.M_UNKNOWN_TOKEN, "unknown identity server token");
            }
            return token.equals(accessToken) ? "user" : registeredTokens.get(token);
        }).v2Associations(this).v2Lookup(this).v2StoreInvite(this).v2Pubkey(this).v2Auth(this).v2PhoneAssociations(this).build();
        http = HttpServer.start("127.0.0.1", 0, request -> failing
                ? ServerResponse.error(new MatrixException(500, ErrorCodes.M_UNKNOWN, "the identity server is broken"))
                : router.handle(request), 1 << 20);
    }

    /** The name clients give as {@code id_server}. */
    String name() {
        return "127.0.0.1:" + http.port();
    }

    /** A session of this identity server in which the user proved they own the address. */
    String validatedSession(String clientSecret, String medium, String address) {
        String sid = "is" + UUID.randomUUID().toString().replace("-", "");
        validatedSessions.put(sid, new Session(clientSecret, medium, address));
        return sid;
    }

    static String hash(String medium, String address) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest((address + " " + medium + " " + PEPPER).getBytes(StandardCharsets.UTF_8));
            return Base64.getUrlEncoder().withoutPadding().encodeToString(d);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public BindV2Response bindV2(RequestContext context, BindV2.Request request) {
        var body = request.body().orElseThrow(() -> new MatrixException(400, ErrorCodes.M_BAD_JSON, "no body"));
        Session session = validatedSessions.get(body.sid());
        if (session == null || !session.clientSecret().equals(body.clientSecret())) {
            throw new MatrixException(400, "M_NO_VALID_SESSION", "no validated session with that sid and secret");
        }
        bindings.put(session.medium() + " " + session.address(), body.mxid());
        List<PendingInvite> invites = pending.stream().filter(p -> p.medium().equals(session.medium()) && p.address().equals(session.address()))
                .toList();
        if (!invites.isEmpty()) {
            onbind(session, body.mxid(), invites);
        }
        long now = System.currentTimeMillis();
        ObjectNode signed = MatrixJson.mapper().createObjectNode().put("address", session.address()).put("medium", session.medium())
                .put("mxid", body.mxid()).put("not_before", now).put("not_after", now + 86_400_000L).put("ts", now);
        signed = JsonSigning.sign(signed, name(), key);
        return MatrixJson.mapper().convertValue(signed, BindV2Response.class);
    }

    /** Tells the homeserver of the binding and its pending invites, signed, as {@code 3pid/onbind}. */
    private void onbind(Session session, String mxid, List<PendingInvite> invites) {
        ObjectNode body = MatrixJson.mapper().createObjectNode().put("medium", session.medium()).put("address", session.address()).put("mxid", mxid);
        var array = body.putArray("invites");
        for (PendingInvite p : invites) {
            ObjectNode signed = MatrixJson.mapper().createObjectNode().put("mxid", mxid).put("token", p.token()).put("sender", p.sender());
            array.addObject().put("medium", p.medium()).put("address", p.address()).put("mxid", mxid).put("room_id", p.roomId())
                    .put("sender", p.sender()).set("signed", JsonSigning.sign(signed, name(), key));
        }
        try {
            HttpResponse<String> r = client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + homeserverPort
                    + "/_matrix/federation/v1/3pid/onbind")).header("Content-Type", "application/json")
                    .PUT(HttpRequest.BodyPublishers.ofString(MatrixJson.write(body))).build(), HttpResponse.BodyHandlers.ofString());
            onbindAnswers.add(MatrixJson.mapper().createObjectNode().put("status", r.statusCode()).set("body", MatrixJson.mapper().readTree(r.body())));
            if (r.statusCode() == 200) {
                pending.removeAll(invites);
            }
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public GetValidated3pidV2Response getValidated3pidV2(RequestContext context, GetValidated3pidV2.Request request) {
        PhoneSession session = phoneSessions.get(request.sid());
        if (session == null || !session.clientSecret().equals(request.clientSecret())) {
            throw new MatrixException(404, "M_NO_VALID_SESSION", "no session with that sid and secret");
        }
        if (session.validatedAt() == null) {
            throw new MatrixException(400, "M_SESSION_NOT_VALIDATED", "the session has not been validated");
        }
        return new GetValidated3pidV2Response("msisdn", session.msisdn(), session.validatedAt(), Map.of());
    }

    @Override
    public RegisterAccountResponse registerAccount(RequestContext context, RegisterAccount.Request request) {
        OpenIdCredentials credentials = request.body().orElseThrow(() -> new MatrixException(400, ErrorCodes.M_BAD_JSON, "no body"));
        try {
            HttpResponse<String> r = client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + homeserverPort
                    + "/_matrix/federation/v1/openid/userinfo?access_token=" + java.net.URLEncoder.encode(credentials.accessToken(),
                    StandardCharsets.UTF_8))).GET().build(), HttpResponse.BodyHandlers.ofString());
            JsonNode info = MatrixJson.mapper().readTree(r.body());
            String sub = info.path("sub").asText("");
            if (r.statusCode() != 200 || !sub.endsWith(":" + credentials.matrixServerName())) {
                throw new MatrixException(401, ErrorCodes.M_UNKNOWN_TOKEN, "the homeserver does not vouch for that OpenID token: " + r.body());
            }
            String token = "registered-" + UUID.randomUUID();
            registeredTokens.put(token, sub);
            return new RegisterAccountResponse(token, Map.of());
        } catch (java.io.IOException e) {
            throw new MatrixException(502, ErrorCodes.M_UNKNOWN, "the homeserver cannot be reached");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new MatrixException(502, ErrorCodes.M_UNKNOWN, "interrupted");
        }
    }

    @Override
    public GetAccountResponse getAccount(RequestContext context, GetAccount.Request request) {
        return new GetAccountResponse(registeredTokens.getOrDefault(context.request().accessToken().orElse(""), "user"), Map.of());
    }

    @Override
    public JsonNode logout(RequestContext context, Logout.Request request) {
        registeredTokens.remove(context.request().accessToken().orElse(""));
        return MatrixJson.mapper().createObjectNode();
    }

    @Override
    public Sid msisdnRequestTokenV2(RequestContext context, MsisdnRequestTokenV2.Request request) {
        MsisdnRequestTokenV2Request body = request.body().orElseThrow(() -> new MatrixException(400, ErrorCodes.M_BAD_JSON, "no body"));
        smsRequests.incrementAndGet();
        String msisdn;
        try {
            PhoneNumberUtil util = PhoneNumberUtil.getInstance();
            msisdn = util.format(util.parse(body.phoneNumber(), body.country()), PhoneNumberUtil.PhoneNumberFormat.E164).substring(1);
        } catch (NumberParseException e) {
            throw new MatrixException(400, "M_INVALID_ADDRESS", "The phone number is not valid");
        }
        // the same secret and number: the same session, a new token for a higher send_attempt (as Sydent)
        PhoneSession existing = phoneSessions.values().stream().filter(p -> p.clientSecret().equals(body.clientSecret())
                && p.msisdn().equals(msisdn)).findFirst().orElse(null);
        if (existing != null && body.sendAttempt() <= existing.sendAttempt()) {
            return new Sid(existing.sid(), Map.of());
        }
        String sid = existing != null ? existing.sid() : "sms" + UUID.randomUUID().toString().replace("-", "");
        String token = String.valueOf(100000 + new java.security.SecureRandom().nextInt(900000));
        phoneSessions.put(sid, new PhoneSession(sid, body.clientSecret(), msisdn, token, body.sendAttempt(), null));
        sms.add(new Sms(msisdn, token));
        return new Sid(sid, Map.of());
    }

    @Override
    public JsonNode msisdnSubmitTokenGetV2(RequestContext context, MsisdnSubmitTokenGetV2.Request request) {
        return MatrixJson.mapper().valueToTree(submit(request.sid(), request.clientSecret(), request.token()));
    }

    @Override
    public MsisdnSubmitTokenPostV2Response msisdnSubmitTokenPostV2(RequestContext context, MsisdnSubmitTokenPostV2.Request request) {
        var body = request.body().orElseThrow(() -> new MatrixException(400, ErrorCodes.M_BAD_JSON, "no body"));
        return submit(body.sid(), body.clientSecret(), body.token());
    }

    private MsisdnSubmitTokenPostV2Response submit(String sid, String clientSecret, String token) {
        submitted.add(sid);
        PhoneSession session = phoneSessions.get(sid);
        if (session == null || !session.clientSecret().equals(clientSecret)) {
            throw new MatrixException(404, "M_NO_VALID_SESSION", "no session with that sid and secret");
        }
        if (!session.token().equals(token)) {
            return new MsisdnSubmitTokenPostV2Response(false, Map.of());
        }
        phoneSessions.put(sid, new PhoneSession(sid, clientSecret, session.msisdn(), token, session.sendAttempt(), System.currentTimeMillis()));
        return new MsisdnSubmitTokenPostV2Response(true, Map.of());
    }

    @Override
    public JsonNode unbindV2(RequestContext context, UnbindV2.Request request) {
        var body = request.body().orElseThrow(() -> new MatrixException(400, ErrorCodes.M_BAD_JSON, "no body"));
        String authorization = context.request().header("Authorization").orElse("");
        if (!authorization.startsWith("X-Matrix origin=")) {
            throw new MatrixException(403, ErrorCodes.M_FORBIDDEN, "unbind must be signed by the user's homeserver");
        }
        unbindAuthorizations.add(authorization);
        String key = body.threepid().medium() + " " + body.threepid().address();
        if (!body.mxid().equals(bindings.get(key))) {
            throw new MatrixException(404, ErrorCodes.M_NOT_FOUND, "no such binding");
        }
        bindings.remove(key);
        return MatrixJson.mapper().createObjectNode();
    }

    @Override
    public GetHashDetailsResponse getHashDetails(RequestContext context, GetHashDetails.Request request) {
        return new GetHashDetailsResponse(PEPPER, List.of("none", "sha256"), Map.of());
    }

    @Override
    public LookupUsersV2Response lookupUsersV2(RequestContext context, LookupUsersV2.Request request) {
        var body = request.body().orElseThrow();
        if (!body.pepper().equals(PEPPER) || !body.algorithm().equals("sha256")) {
            throw new MatrixException(400, "M_INVALID_PEPPER", "wrong pepper or algorithm");
        }
        Map<String, String> mappings = new java.util.LinkedHashMap<>();
        bindings.forEach((k, mxid) -> {
            String[] parts = k.split(" ", 2);
            String h = hash(parts[0], parts[1]);
            if (body.addresses().contains(h)) {
                mappings.put(h, mxid);
            }
        });
        return new LookupUsersV2Response(mappings, Map.of());
    }

    @Override
    public StoreInviteV2Response storeInviteV2(RequestContext context, StoreInviteV2.Request request) {
        StoreInviteV2Request body = request.body().orElseThrow();
        String token = HexFormat.of().formatHex(UUID.randomUUID().toString().getBytes(StandardCharsets.UTF_8)).substring(0, 24);
        pending.add(new PendingInvite(body.medium(), body.address(), body.roomId(), body.sender(), token));
        String base = "http://" + name();
        return new StoreInviteV2Response(token, List.of(new PublicKey(key.publicKeyBase64(), base + "/_matrix/identity/v2/pubkey/isvalid", Map.of())),
                body.address().charAt(0) + "...@" + body.address().substring(body.address().indexOf('@') + 1), Map.of());
    }

    @Override
    public IsEphemeralPubKeyValidV2Response isEphemeralPubKeyValidV2(RequestContext context, IsEphemeralPubKeyValidV2.Request request) {
        return new IsEphemeralPubKeyValidV2Response(false, Map.of());
    }

    @Override
    public IsPubKeyValidV2Response isPubKeyValidV2(RequestContext context, IsPubKeyValidV2.Request request) {
        return new IsPubKeyValidV2Response(request.publicKey().equals(key.publicKeyBase64()), Map.of());
    }

    @Override
    public GetPubKeyV2Response getPubKeyV2(RequestContext context, GetPubKeyV2.Request request) {
        if (!request.keyId().equals(key.keyId())) {
            throw new MatrixException(404, ErrorCodes.M_NOT_FOUND, "no such key");
        }
        return new GetPubKeyV2Response(key.publicKeyBase64(), Map.of());
    }

    @Override
    public void close() {
        http.close();
    }

}
