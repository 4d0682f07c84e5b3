package dev.mxspec.homeserver.federation;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mxspec.homeserver.crypto.JsonSigning;
import dev.mxspec.homeserver.crypto.ServerKeys;
import dev.mxspec.homeserver.crypto.VerifyKey;
import dev.mxspec.homeserver.http.JettyAdapter;
import dev.mxspec.runtime.api.Endpoint;
import dev.mxspec.runtime.api.MatrixException;
import dev.mxspec.runtime.json.MatrixJson;
import dev.mxspec.runtime.server.Authenticator;
import dev.mxspec.runtime.server.PathGrammar;
import dev.mxspec.runtime.server.ServerRequest;
import java.io.IOException;
import java.util.Optional;
import java.util.function.BiFunction;

/**
 * Authenticates federation requests ("Request Authentication"): the {@code Authorization: X-Matrix} header's
 * signature over method, URI (path and raw query), origin, destination (this server) and the parsed body, checked
 * with the origin's current key. The principal is the {@link Origin}. Every failure, a missing or garbled header
 * included, is 401 {@code M_UNAUTHORIZED}.
 */
public final class FederationAuthenticator implements Authenticator {

    /** The error code of a request whose signature cannot be accepted. */
    public static final String M_UNAUTHORIZED = "M_UNAUTHORIZED";

    private final String serverName;
    private final BiFunction<String, String, Optional<VerifyKey>> requestKeys;

    /**
     * @param serverName this server's name: the destination requests must be for
     * @param requestKeys a server's current key by key ID ({@link RemoteKeyService#requestKey})
     */
    public FederationAuthenticator(String serverName, BiFunction<String, String, Optional<VerifyKey>> requestKeys) {
        this.serverName = serverName;
        this.requestKeys = requestKeys;
    }

    @Override
    public Origin authenticate(Endpoint endpoint, ServerRequest request) {
        XMatrix auth = request.header("authorization").flatMap(XMatrix::parse)
                .orElseThrow(() -> unauthorized("an Authorization header of scheme X-Matrix with origin, key and sig is required"));
        if (auth.destination().isPresent() && !auth.destination().get().equals(serverName)) {
            throw unauthorized("this server is not " + auth.destination().get());
        }
        if (!PathGrammar.serverName(auth.origin())) {
            throw unauthorized("the origin is not a server name");
        }
        Optional<JsonNode> content = content(request.body());
        String uri = request.path() + request.header(JettyAdapter.RAW_QUERY).map(q -> "?" + q).orElse("");
        VerifyKey key;
        try {
            key = requestKeys.apply(auth.origin(), auth.key())
                    .orElseThrow(() -> unauthorized("no current key " + auth.key() + " of " + auth.origin() + " is known"));
        } catch (RuntimeException e) {
            if (e instanceof MatrixException m) {
                throw m;
            }
            throw unauthorized("the keys of " + auth.origin() + " cannot be fetched");
        }
        // the destination signed is the header's (checked above to be this server), or this server's name for older servers
        ObjectNode signed = RequestSigning.requestJson(request.method(), uri, auth.origin(), auth.destination().orElse(serverName), content);
        signed.putObject("signatures").putObject(auth.origin()).put(auth.key(), auth.sig());
        if (!JsonSigning.verify(signed, auth.origin(), ServerKeys.of(auth.origin(), key)).isVerified()) {
            throw unauthorized("the signature does not match");
        }
        return new Origin(auth.origin());
    }

    private static Optional<JsonNode> content(byte[] body) {
        if (body.length == 0) {
            return Optional.empty();
        }
        try {
            return Optional.of(MatrixJson.mapper().readTree(body));
        } catch (IOException e) {
            throw unauthorized("the body is not JSON, so it cannot have been signed");
        }
    }

    private static MatrixException unauthorized(String why) {
        return new MatrixException(401, M_UNAUTHORIZED, why);
    }
}
