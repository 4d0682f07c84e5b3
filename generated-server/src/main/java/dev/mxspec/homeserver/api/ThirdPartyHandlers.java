package dev.mxspec.homeserver.api;

import dev.mxspec.homeserver.appservice.ThirdPartyNetworks;
import dev.mxspec.homeserver.core.Ids;
import dev.mxspec.runtime.api.ErrorCodes;
import dev.mxspec.runtime.api.MatrixException;
import dev.mxspec.runtime.server.Params;
import dev.mxspec.runtime.server.RequestContext;
import dev.mxspec.spec.v1_7.appservice.Location;
import dev.mxspec.spec.v1_7.appservice.Protocol;
import dev.mxspec.spec.v1_7.appservice.User;
import dev.mxspec.spec.v1_7.clientserver.endpoints.GetProtocolMetadata;
import dev.mxspec.spec.v1_7.clientserver.endpoints.GetProtocols;
import dev.mxspec.spec.v1_7.clientserver.endpoints.QueryLocationByAlias;
import dev.mxspec.spec.v1_7.clientserver.endpoints.QueryLocationByProtocol;
import dev.mxspec.spec.v1_7.clientserver.endpoints.QueryUserByID;
import dev.mxspec.spec.v1_7.clientserver.endpoints.QueryUserByProtocol;
import dev.mxspec.spec.v1_7.clientserver.server.ThirdPartyLookupHandler;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Third-party networks for clients ({@code /_matrix/client/v3/thirdparty/...}), answered by the application services
 * that bridge to them ({@link ThirdPartyNetworks}). A protocol no service declares (or none could describe) is
 * {@code 404 M_NOT_FOUND}; so is a lookup that finds nothing, as the spec's responses say (Synapse answers an empty
 * list there). The search fields of a lookup are the request's query parameters, all of them (the spec names them
 * {@code fields...}), but the access token and {@code user_id}, which are the client's, not the search's.
 */
public final class ThirdPartyHandlers implements ThirdPartyLookupHandler {

    /** Query parameters that are the request's own, never search fields. */
    private static final Set<String> NOT_FIELDS = Set.of("access_token", "user_id");

    private final ThirdPartyNetworks networks;

    public ThirdPartyHandlers(ThirdPartyNetworks networks) {
        this.networks = networks;
    }

    @Override
    public Map<String, Protocol> getProtocols(RequestContext context, GetProtocols.Request request) {
        Handlers.caller(context);
        return networks.protocols();
    }

    @Override
    public Protocol getProtocolMetadata(RequestContext context, GetProtocolMetadata.Request request) {
        Handlers.caller(context);
        return networks.protocol(request.protocol()).orElseThrow(() -> unknownProtocol());
    }

    @Override
    public List<Location> queryLocationByProtocol(RequestContext context, QueryLocationByProtocol.Request request) {
        Handlers.caller(context);
        String protocol = known(request.protocol());
        return found(networks.locations(protocol, Params.otherQuery(context.request(), NOT_FIELDS)), "no portal rooms were found");
    }

    @Override
    public List<User> queryUserByProtocol(RequestContext context, QueryUserByProtocol.Request request) {
        Handlers.caller(context);
        String protocol = known(request.protocol());
        return found(networks.users(protocol, Params.otherQuery(context.request(), NOT_FIELDS)), "no third-party users were found");
    }

    @Override
    public List<Location> queryLocationByAlias(RequestContext context, QueryLocationByAlias.Request request) {
        Handlers.caller(context);
        String alias = Ids.requireRoomAlias(request.alias(), "alias");
        return found(networks.locationsOfAlias(alias), "no third-party locations of " + alias + " were found");
    }

    @Override
    public List<User> queryUserByID(RequestContext context, QueryUserByID.Request request) {
        Handlers.caller(context);
        String userId = Ids.requireUserId(request.userid(), "userid");
        return found(networks.usersOfUserId(userId), "no third-party users of " + userId + " were found");
    }

    private String known(String protocol) {
        if (!networks.known(protocol)) {
            throw unknownProtocol();
        }
        return protocol;
    }

    private static MatrixException unknownProtocol() {
        return new MatrixException(404, ErrorCodes.M_NOT_FOUND, "unknown protocol");
    }

    private static <T> List<T> found(List<T> results, String none) {
        if (results.isEmpty()) {
            throw new MatrixException(404, ErrorCodes.M_NOT_FOUND, none);
        }
        return results;
    }
}
