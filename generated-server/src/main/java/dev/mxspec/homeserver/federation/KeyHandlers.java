package dev.mxspec.homeserver.federation;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mxspec.runtime.api.MatrixException;
import dev.mxspec.runtime.json.MatrixJson;
import dev.mxspec.runtime.server.PathGrammar;
import dev.mxspec.runtime.server.RequestContext;
import dev.mxspec.spec.v1_7.serverserver.GetVersionResponse;
import dev.mxspec.spec.v1_7.serverserver.KeysQueryResponse;
import dev.mxspec.spec.v1_7.serverserver.QueryCriteria;
import dev.mxspec.spec.v1_7.serverserver.Server;
import dev.mxspec.spec.v1_7.serverserver.ServerKeys;
import dev.mxspec.spec.v1_7.serverserver.endpoints.BulkPerspectivesKeyQuery;
import dev.mxspec.spec.v1_7.serverserver.endpoints.GetServerKey;
import dev.mxspec.spec.v1_7.serverserver.endpoints.GetVersion;
import dev.mxspec.spec.v1_7.serverserver.endpoints.PerspectivesKeyQuery;
import dev.mxspec.spec.v1_7.serverserver.server.KeysQueryHandler;
import dev.mxspec.spec.v1_7.serverserver.server.KeysServerHandler;
import dev.mxspec.spec.v1_7.serverserver.server.VersionHandler;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The key endpoints and the version: this server's keys ({@code /_matrix/key/v2/server}), and other servers'
 * keys as a notary ({@code /_matrix/key/v2/query}), each answer countersigned by this server.
 */
public final class KeyHandlers implements KeysServerHandler, KeysQueryHandler, VersionHandler {

    /** The most servers one bulk query may ask about. */
    static final int MAX_SERVERS_PER_QUERY = 100;

    private final OwnKeys own;
    private final RemoteKeyService remote;
    private final String version;

    public KeyHandlers(OwnKeys own, RemoteKeyService remote, String version) {
        this.own = own;
        this.remote = remote;
        this.version = version;
    }

    @Override
    public ServerKeys getServerKey(RequestContext context, GetServerKey.Request request) {
        return typed(own.response());
    }

    @Override
    public KeysQueryResponse perspectivesKeyQuery(RequestContext context, PerspectivesKeyQuery.Request request) {
        return new KeysQueryResponse(Optional.of(notarised(request.serverName(), request.minimumValidUntilTs().orElse(0L))), Map.of());
    }

    @Override
    public KeysQueryResponse bulkPerspectivesKeyQuery(RequestContext context, BulkPerspectivesKeyQuery.Request request) {
        Map<String, Map<String, QueryCriteria>> wanted = request.body().map(b -> b.serverKeys()).orElse(Map.of());
        if (wanted.size() > MAX_SERVERS_PER_QUERY) {
            throw MatrixException.badJson("at most " + MAX_SERVERS_PER_QUERY + " servers per query");
        }
        List<ServerKeys> answers = new ArrayList<>();
        wanted.forEach((serverName, byKey) -> {
            long minimum = byKey.values().stream()
                    .mapToLong(c -> c == null ? 0 : c.minimumValidUntilTs().orElse(0L))
                    .max().orElse(0);
            answers.addAll(notarised(serverName, minimum));
        });
        return new KeysQueryResponse(Optional.of(answers), Map.of());
    }

    @Override
    public GetVersionResponse getVersion(RequestContext context, GetVersion.Request request) {
        return new GetVersionResponse(Optional.of(new Server(Optional.of("mxspec"), Optional.of(version), Map.of())), Map.of());
    }

    private List<ServerKeys> notarised(String serverName, long minimumValidUntilTs) {
        if (!PathGrammar.serverName(serverName)) {
            throw MatrixException.invalidParam("serverName", "not a server name");
        }
        return remote.response(serverName, minimumValidUntilTs).map(json -> List.of(typed(own.countersign(json)))).orElse(List.of());
    }

    private static ServerKeys typed(ObjectNode json) {
        return MatrixJson.mapper().convertValue(json, ServerKeys.class);
    }
}
