package dev.mxspec.homeserver.federation.queries;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mxspec.homeserver.federation.FederationClient;
import dev.mxspec.homeserver.services.PublicRooms;
import dev.mxspec.runtime.api.ErrorCodes;
import dev.mxspec.runtime.api.MatrixException;
import java.io.IOException;
import java.util.Optional;

/**
 * Another server's room directory, asked with {@code POST /_matrix/federation/v1/publicRooms}; a server that cannot be
 * reached or does not answer with a room list is 502 {@code M_UNKNOWN} to the client (as Synapse answers); a request it
 * refuses as bad (400) is refused to the client with its error code.
 */
public final class RemotePublicRooms implements PublicRooms.Remote {

    private final FederationClient client;

    public RemotePublicRooms(FederationClient client) {
        this.client = client;
    }

    @Override
    public ObjectNode publicRooms(String server, ObjectNode body) {
        FederationClient.Response r;
        try {
            r = client.send(server, "POST", "/_matrix/federation/v1/publicRooms", Optional.of(body));
        } catch (IOException e) {
            throw new MatrixException(502, ErrorCodes.M_UNKNOWN, "the room directory of " + server + " cannot be reached");
        }
        if (r.status() == 400 && r.body().path("errcode").isTextual()) { // a bad since token or filter: the client's to fix
            throw new MatrixException(400, r.body().path("errcode").textValue(), server + " refused the request: "
                    + r.body().path("error").asText());
        }
        if (r.status() != 200 || !(r.body() instanceof ObjectNode answer) || !answer.path("chunk").isArray()) {
            throw new MatrixException(502, ErrorCodes.M_UNKNOWN, "the room directory of " + server + " answered " + r.status());
        }
        return answer;
    }
}
