package dev.mxspec.homeserver.federation.membership;

import dev.mxspec.runtime.api.PathCodec;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mxspec.homeserver.federation.FederationClient;
import dev.mxspec.homeserver.services.Aliases;
import dev.mxspec.runtime.api.ErrorCodes;
import dev.mxspec.runtime.api.MatrixException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Aliases of other servers resolved by asking them ({@code GET /_matrix/federation/v1/query/directory}): the room
 * and the servers that hold it. A server that does not know the alias answers 404: no such alias; a server that
 * cannot be reached or answers nonsense is a 502.
 */
public final class RemoteAliases implements Aliases.RemoteDirectory {

    private final FederationClient client;

    public RemoteAliases(FederationClient client) {
        this.client = client;
    }

    @Override
    public Optional<Aliases.Resolved> query(String alias) {
        String server = alias.substring(alias.indexOf(':') + 1);
        FederationClient.Response r;
        try {
            r = client.send(server, "GET", "/_matrix/federation/v1/query/directory?room_alias="
                    + PathCodec.encodeSegment(alias), Optional.empty());
        } catch (IOException e) {
            throw new MatrixException(502, ErrorCodes.M_UNKNOWN, "the alias's server " + server + " could not be reached");
        }
        if (r.status() == 404) {
            return Optional.empty();
        }
        JsonNode roomId = r.body().path("room_id");
        if (r.status() != 200 || !roomId.isTextual() || !roomId.asText().startsWith("!")) {
            throw new MatrixException(502, ErrorCodes.M_UNKNOWN, "the alias's server " + server + " answered " + r.status());
        }
        List<String> servers = new ArrayList<>();
        r.body().path("servers").forEach(s -> {
            if (s.isTextual()) {
                servers.add(s.asText());
            }
        });
        if (!servers.contains(server)) {
            servers.add(server);
        }
        return Optional.of(new Aliases.Resolved(roomId.asText(), List.copyOf(servers)));
    }
}
