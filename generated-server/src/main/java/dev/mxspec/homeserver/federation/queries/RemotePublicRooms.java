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
 * reached or does not answer with a room list is 502 {@code M_UNKNOWN} to the client (as Synapse answers).
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
        if (r.status() != 200 || !(r.body() instanceof ObjectNode answer) || !answer.path("chunk").isArray()) {
            throw new MatrixException(502, ErrorCodes.M_UNKNOWN, "the room directory of " + server + " answered " + r.status());
        }
        return answer;
    }
}
