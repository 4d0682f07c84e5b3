package dev.mxspec.homeserver.federation;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mxspec.homeserver.services.AccountService;
import dev.mxspec.homeserver.services.Aliases;
import dev.mxspec.homeserver.storage.Records.User;
import dev.mxspec.runtime.api.ErrorCodes;
import dev.mxspec.runtime.api.MatrixException;
import dev.mxspec.runtime.server.RequestContext;
import dev.mxspec.spec.v1_7.serverserver.QueryProfileResponse;
import dev.mxspec.spec.v1_7.serverserver.QueryRoomDirectoryResponse;
import dev.mxspec.spec.v1_7.serverserver.endpoints.QueryInfo;
import dev.mxspec.spec.v1_7.serverserver.endpoints.QueryProfile;
import dev.mxspec.spec.v1_7.serverserver.endpoints.QueryRoomDirectory;
import dev.mxspec.spec.v1_7.serverserver.server.QueryHandler;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Queries of other servers ({@code /_matrix/federation/v1/query/...}): this server's users' profiles and room aliases. */
public final class FederationQueries implements QueryHandler {

    private final AccountService accounts;
    private final Aliases aliases;
    private final String serverName;

    public FederationQueries(AccountService accounts, Aliases aliases, String serverName) {
        this.accounts = accounts;
        this.aliases = aliases;
        this.serverName = serverName;
    }

    @Override
    public QueryRoomDirectoryResponse queryRoomDirectory(RequestContext context, QueryRoomDirectory.Request request) {
        if (!request.roomAlias().endsWith(":" + serverName)) {
            throw new MatrixException(404, ErrorCodes.M_NOT_FOUND, "the alias is not of this server");
        }
        return new QueryRoomDirectoryResponse(aliases.resolve(request.roomAlias()), List.of(serverName), Map.of());
    }

    @Override
    public QueryProfileResponse queryProfile(RequestContext context, QueryProfile.Request request) {
        User user = accounts.user(request.userId()).filter(u -> !u.deactivated())
                .orElseThrow(() -> new MatrixException(404, ErrorCodes.M_NOT_FOUND, "no such user"));
        Optional<String> field = request.field().map(f -> f.value());
        return new QueryProfileResponse(
                field.isEmpty() || field.get().equals("displayname") ? user.displayname() : Optional.empty(),
                field.isEmpty() || field.get().equals("avatar_url") ? user.avatarUrl() : Optional.empty(),
                Map.of());
    }

    @Override
    public JsonNode queryInfo(RequestContext context, QueryInfo.Request request) {
        throw new MatrixException(404, ErrorCodes.M_UNRECOGNIZED, "unknown query type");
    }
}
