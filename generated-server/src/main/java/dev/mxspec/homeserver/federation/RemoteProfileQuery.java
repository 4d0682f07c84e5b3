package dev.mxspec.homeserver.federation;

import dev.mxspec.runtime.api.PathCodec;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mxspec.homeserver.services.AccountService;
import dev.mxspec.runtime.api.ErrorCodes;
import dev.mxspec.runtime.api.MatrixException;
import java.io.IOException;
import java.util.Optional;

/**
 * Profiles of other servers' users, asked of their server ({@code GET /_matrix/federation/v1/query/profile}): 404 from
 * it is no such user; a server that cannot be reached or answers nonsense is a 502.
 */
public final class RemoteProfileQuery implements AccountService.RemoteProfiles {

    private final FederationClient client;

    public RemoteProfileQuery(FederationClient client) {
        this.client = client;
    }

    @Override
    public Optional<AccountService.Profile> query(String userId) {
        int colon = userId.indexOf(':');
        if (colon < 0) {
            return Optional.empty();
        }
        String server = userId.substring(colon + 1);
        FederationClient.Response r;
        try {
            r = client.send(server, "GET", "/_matrix/federation/v1/query/profile?user_id="
                    + PathCodec.encodeSegment(userId), Optional.empty());
        } catch (IOException e) {
            throw new MatrixException(502, ErrorCodes.M_UNKNOWN, "the user's server " + server + " could not be reached");
        }
        if (r.status() == 404) {
            return Optional.empty();
        }
        if (r.status() != 200 || !r.body().isObject()) {
            throw new MatrixException(502, ErrorCodes.M_UNKNOWN, "the user's server " + server + " answered " + r.status());
        }
        return Optional.of(new AccountService.Profile(text(r.body().path("displayname")), text(r.body().path("avatar_url"))));
    }

    private static Optional<String> text(JsonNode value) {
        return value.isTextual() ? Optional.of(value.asText()) : Optional.empty();
    }
}
