package dev.mxspec.homeserver.api;

import static dev.mxspec.homeserver.api.Handlers.caller;

import dev.mxspec.homeserver.services.UserDirectory;
import dev.mxspec.runtime.api.ErrorCodes;
import dev.mxspec.runtime.api.MatrixException;
import dev.mxspec.runtime.server.RequestContext;
import dev.mxspec.spec.v1_7.clientserver.SearchUserDirectoryResponse;
import dev.mxspec.spec.v1_7.clientserver.SearchUserDirectoryResponseResults;
import dev.mxspec.spec.v1_7.clientserver.endpoints.SearchUserDirectory;
import dev.mxspec.spec.v1_7.clientserver.server.UsersHandler;
import java.util.Map;

/** {@code POST /user_directory/search}: people to start a chat with ({@link UserDirectory}). */
public final class UserDirectoryHandlers implements UsersHandler {

    /** The spec's default number of results. */
    static final int DEFAULT_LIMIT = 10;

    private final UserDirectory directory;

    public UserDirectoryHandlers(UserDirectory directory) {
        this.directory = directory;
    }

    @Override
    public SearchUserDirectoryResponse searchUserDirectory(RequestContext context, SearchUserDirectory.Request request) {
        long limit = request.body().limit().orElse((long) DEFAULT_LIMIT);
        if (limit < 0) {
            throw new MatrixException(400, ErrorCodes.M_INVALID_PARAM, "limit must not be negative, not " + limit);
        }
        UserDirectory.Result found = directory.search(caller(context).userId(), request.body().searchTerm(),
                (int) Math.min(limit, UserDirectory.MAX_LIMIT));
        return new SearchUserDirectoryResponse(found.results().stream()
                .map(e -> new SearchUserDirectoryResponseResults(e.userId(), e.displayName(), e.avatarUrl(), Map.of())).toList(),
                found.limited(), Map.of());
    }
}
