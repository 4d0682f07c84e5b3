package dev.mxspec.homeserver.api;

import static dev.mxspec.homeserver.api.Handlers.caller;

import dev.mxspec.homeserver.core.TurnSettings;
import dev.mxspec.runtime.server.RequestContext;
import dev.mxspec.spec.v1_7.clientserver.GetTurnServerResponse;
import dev.mxspec.spec.v1_7.clientserver.endpoints.GetTurnServer;
import dev.mxspec.spec.v1_7.clientserver.server.VoipHandler;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * {@code GET /voip/turnServer}: the TURN server for calls. With a shared secret, credentials in coturn's REST form
 * ({@code use-auth-secret}): the username {@code <expiry in seconds>:<user ID>}, the password the Base64 HMAC-SHA1 of
 * it, so coturn accepts them until they expire without asking the homeserver. Without a TURN server the answer has
 * every field the schema requires and no URIs, which clients read as "no TURN server".
 */
public final class VoipHandlers implements VoipHandler {

    private final TurnSettings turn;
    private final LongSupplier clock;

    public VoipHandlers(TurnSettings turn, LongSupplier clock) {
        this.turn = turn;
        this.clock = clock;
    }

    @Override
    public GetTurnServerResponse getTurnServer(RequestContext context, GetTurnServer.Request request) {
        String userId = caller(context).userId();
        if (!turn.enabled()) {
            return new GetTurnServerResponse("", "", List.of(), turn.userLifetimeMs() / 1000, Map.of());
        }
        long ttlSeconds = turn.userLifetimeMs() / 1000;
        if (turn.sharedSecret().isPresent()) {
            String username = (clock.getAsLong() / 1000 + ttlSeconds) + ":" + userId;
            return new GetTurnServerResponse(username, hmacSha1(turn.sharedSecret().get(), username), turn.uris(), ttlSeconds, Map.of());
        }
        return new GetTurnServerResponse(turn.username().orElseThrow(), turn.password().orElseThrow(), turn.uris(), ttlSeconds, Map.of());
    }

    /** coturn's check: Base64 of HMAC-SHA1 over the username, keyed with the shared secret. */
    static String hmacSha1(String secret, String username) {
        try {
            Mac mac = Mac.getInstance("HmacSHA1");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA1"));
            return Base64.getEncoder().encodeToString(mac.doFinal(username.getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA1 is part of every JDK", e);
        }
    }
}
