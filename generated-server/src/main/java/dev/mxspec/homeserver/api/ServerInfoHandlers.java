package dev.mxspec.homeserver.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.mxspec.homeserver.core.Caller;
import dev.mxspec.homeserver.services.AccountService;
import dev.mxspec.homeserver.services.RoomService;
import dev.mxspec.homeserver.storage.Records.User;
import dev.mxspec.runtime.api.ErrorCodes;
import dev.mxspec.runtime.api.MatrixException;
import dev.mxspec.runtime.server.RequestContext;
import dev.mxspec.spec.v1_7.clientserver.Capabilities;
import dev.mxspec.spec.v1_7.clientserver.ChangePasswordCapability;
import dev.mxspec.spec.v1_7.clientserver.ClientServerGetVersionsResponse;
import dev.mxspec.spec.v1_7.clientserver.DiscoveryInformation;
import dev.mxspec.spec.v1_7.clientserver.GetAvatarUrlResponse;
import dev.mxspec.spec.v1_7.clientserver.GetCapabilitiesResponse;
import dev.mxspec.spec.v1_7.clientserver.GetDisplayNameResponse;
import dev.mxspec.spec.v1_7.clientserver.GetUserProfileResponse;
import dev.mxspec.spec.v1_7.clientserver.HomeserverInformation;
import dev.mxspec.spec.v1_7.clientserver.RoomVersionStability;
import dev.mxspec.spec.v1_7.clientserver.RoomVersionsCapability;
import dev.mxspec.spec.v1_7.clientserver.endpoints.GetAvatarUrl;
import dev.mxspec.spec.v1_7.clientserver.endpoints.GetCapabilities;
import dev.mxspec.spec.v1_7.clientserver.endpoints.GetDisplayName;
import dev.mxspec.spec.v1_7.clientserver.endpoints.GetUserProfile;
import dev.mxspec.spec.v1_7.clientserver.endpoints.GetVersions;
import dev.mxspec.spec.v1_7.clientserver.endpoints.GetWellknown;
import dev.mxspec.spec.v1_7.clientserver.endpoints.SetAvatarUrl;
import dev.mxspec.spec.v1_7.clientserver.endpoints.SetDisplayName;
import dev.mxspec.spec.v1_7.clientserver.server.CapabilitiesHandler;
import dev.mxspec.spec.v1_7.clientserver.server.ProfileHandler;
import dev.mxspec.spec.v1_7.clientserver.server.VersionsHandler;
import dev.mxspec.spec.v1_7.clientserver.server.WellknownHandler;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** {@code /versions}, capabilities, well-known discovery and profiles. */
public final class ServerInfoHandlers implements VersionsHandler, WellknownHandler, CapabilitiesHandler, ProfileHandler {

    /** The spec versions this server implements, honestly: v1.1 to v1.7. */
    static final List<String> VERSIONS = List.of("v1.1", "v1.2", "v1.3", "v1.4", "v1.5", "v1.6", "v1.7");

    private final AccountService accounts;
    private final RoomService rooms;
    private final String baseUrl;
    private final List<String> roomVersions;
    private final String defaultRoomVersion;

    public ServerInfoHandlers(AccountService accounts, RoomService rooms, String baseUrl, List<String> roomVersions,
            String defaultRoomVersion) {
        this.accounts = accounts;
        this.rooms = rooms;
        this.baseUrl = baseUrl;
        this.roomVersions = List.copyOf(roomVersions);
        this.defaultRoomVersion = defaultRoomVersion;
    }

    @Override
    public ClientServerGetVersionsResponse getVersions(RequestContext context, GetVersions.Request request) {
        return new ClientServerGetVersionsResponse(VERSIONS, Optional.of(Map.of()), Map.of());
    }

    @Override
    public DiscoveryInformation getWellknown(RequestContext context, GetWellknown.Request request) {
        return new DiscoveryInformation(new HomeserverInformation(baseUrl, Map.of()), Optional.empty(), Map.of());
    }

    @Override
    public GetCapabilitiesResponse getCapabilities(RequestContext context, GetCapabilities.Request request) {
        Map<String, RoomVersionStability> available = new LinkedHashMap<>();
        roomVersions.forEach(v -> available.put(v, RoomVersionStability.STABLE));
        Map<String, JsonNode> more = new LinkedHashMap<>();
        more.put("m.set_displayname", JsonNodeFactory.instance.objectNode().put("enabled", true));
        more.put("m.set_avatar_url", JsonNodeFactory.instance.objectNode().put("enabled", true));
        more.put("m.3pid_changes", JsonNodeFactory.instance.objectNode().put("enabled", true)); // 3pid/add, bind, unbind, delete
        more.put("m.get_login_token", JsonNodeFactory.instance.objectNode().put("enabled", true));
        return new GetCapabilitiesResponse(new Capabilities(Optional.of(new ChangePasswordCapability(true, Map.of())),
                Optional.of(new RoomVersionsCapability(defaultRoomVersion, available, Map.of())), more), Map.of());
    }

    /** The profile shown to anyone: of a user of this server or, through federation, of another. */
    private AccountService.Profile shown(String userId) {
        return accounts.profile(userId).orElseThrow(() -> new MatrixException(404, ErrorCodes.M_NOT_FOUND, "no such user"));
    }

    private User profile(String userId) {
        return accounts.user(userId).filter(u -> !u.deactivated())
                .orElseThrow(() -> new MatrixException(404, ErrorCodes.M_NOT_FOUND, "no such user"));
    }

    private static void own(RequestContext context, String userId) {
        if (!context.principal(Caller.class).userId().equals(userId)) {
            throw MatrixException.forbidden("you can only change your own profile");
        }
    }

    @Override
    public GetUserProfileResponse getUserProfile(RequestContext context, GetUserProfile.Request request) {
        AccountService.Profile p = shown(request.userId());
        return new GetUserProfileResponse(p.avatarUrl(), p.displayname(), Map.of());
    }

    @Override
    public GetAvatarUrlResponse getAvatarUrl(RequestContext context, GetAvatarUrl.Request request) {
        return new GetAvatarUrlResponse(shown(request.userId()).avatarUrl(), Map.of());
    }

    @Override
    public GetDisplayNameResponse getDisplayName(RequestContext context, GetDisplayName.Request request) {
        return new GetDisplayNameResponse(shown(request.userId()).displayname(), Map.of());
    }

    @Override
    public JsonNode setAvatarUrl(RequestContext context, SetAvatarUrl.Request request) {
        own(context, request.userId());
        User u = profile(request.userId());
        accounts.setProfile(u.userId(), u.displayname(), request.body().avatarUrl());
        rooms.profileChanged(context.principal(Caller.class));
        return JsonNodeFactory.instance.objectNode();
    }

    @Override
    public JsonNode setDisplayName(RequestContext context, SetDisplayName.Request request) {
        own(context, request.userId());
        User u = profile(request.userId());
        accounts.setProfile(u.userId(), request.body().displayname(), u.avatarUrl());
        rooms.profileChanged(context.principal(Caller.class));
        return JsonNodeFactory.instance.objectNode();
    }
}
