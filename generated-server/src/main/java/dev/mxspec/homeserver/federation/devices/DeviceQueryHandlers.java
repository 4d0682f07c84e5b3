package dev.mxspec.homeserver.federation.devices;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mxspec.homeserver.services.AccountService;
import dev.mxspec.homeserver.services.ClientEvents;
import dev.mxspec.homeserver.services.CrossSigning;
import dev.mxspec.homeserver.services.KeysService;
import dev.mxspec.homeserver.storage.DeviceFederationStore;
import dev.mxspec.homeserver.storage.DeviceKeyStore;
import dev.mxspec.homeserver.storage.Records.DeviceKeys;
import dev.mxspec.runtime.api.ErrorCodes;
import dev.mxspec.runtime.api.MatrixException;
import dev.mxspec.runtime.json.MatrixJson;
import dev.mxspec.runtime.server.RequestContext;
import dev.mxspec.spec.v1_7.serverserver.ClaimUserEncryptionKeysResponse;
import dev.mxspec.spec.v1_7.serverserver.GetUserDevicesResponse;
import dev.mxspec.spec.v1_7.serverserver.QueryUserEncryptionKeysResponse;
import dev.mxspec.spec.v1_7.serverserver.endpoints.ClaimUserEncryptionKeys;
import dev.mxspec.spec.v1_7.serverserver.endpoints.GetUserDevices;
import dev.mxspec.spec.v1_7.serverserver.endpoints.QueryUserEncryptionKeys;
import dev.mxspec.spec.v1_7.serverserver.server.UserDevicesHandler;
import dev.mxspec.spec.v1_7.serverserver.server.UserKeysHandler;

/**
 * Other servers asking about this server's users' devices: {@code GET /user/devices/{userId}} (the devices with their
 * keys and display names, at the {@code stream_id} of the latest {@code m.device_list_update}, and the user's master
 * and self-signing keys), {@code POST /user/keys/query} (device keys, master and self-signing keys, each with the
 * signatures of the user's own keys) and {@code POST /user/keys/claim} (one-time keys, each handed out once; a
 * fallback key when none is left). Only this server's users are answered for: {@code /user/devices} of another server's user is 403, and the
 * queries leave such users out.
 */
public final class DeviceQueryHandlers implements UserDevicesHandler, UserKeysHandler {

    private final AccountService accounts;
    private final DeviceKeyStore deviceKeys;
    private final KeysService keys;
    private final DeviceFederationStore announced;
    private final CrossSigning crossSigning;
    private final String serverName;

    public DeviceQueryHandlers(AccountService accounts, DeviceKeyStore deviceKeys, KeysService keys, DeviceFederationStore announced,
            CrossSigning crossSigning, String serverName) {
        this.accounts = accounts;
        this.deviceKeys = deviceKeys;
        this.keys = keys;
        this.announced = announced;
        this.crossSigning = crossSigning;
        this.serverName = serverName;
    }

    @Override
    public GetUserDevicesResponse getUserDevices(RequestContext context, GetUserDevices.Request request) {
        String userId = request.userId();
        if (!SharingServers.serverOf(userId).equals(serverName)) {
            throw MatrixException.forbidden("the user is not a user of this server");
        }
        if (accounts.user(userId).filter(u -> !u.deactivated()).isEmpty()) {
            throw new MatrixException(404, ErrorCodes.M_NOT_FOUND, "no such user");
        }
        long streamId = DeviceListAnnouncer.streamId(announced, userId); // read first: a change after it is announced with a later stream_id
        ObjectNode out = MatrixJson.mapper().createObjectNode().put("user_id", userId).put("stream_id", streamId);
        var devices = out.putArray("devices");
        CrossSigning.Signatures signatures = crossSigning.signatures(userId, java.util.Optional.empty());
        for (DeviceKeys k : deviceKeys.deviceKeys(userId)) {
            ObjectNode device = devices.addObject().put("device_id", k.deviceId());
            device.set("keys", signatures.into(k.deviceId(), (ObjectNode) ClientEvents.parse(k.json())));
            k.displayName().ifPresent(name -> device.put("device_display_name", name));
        }
        crossSigning.key(userId, CrossSigning.MASTER, java.util.Optional.empty()).ifPresent(k -> out.set("master_key", k));
        crossSigning.key(userId, CrossSigning.SELF_SIGNING, java.util.Optional.empty()).ifPresent(k -> out.set("self_signing_key", k));
        return typed(out, GetUserDevicesResponse.class);
    }

    @Override
    public QueryUserEncryptionKeysResponse queryUserEncryptionKeys(RequestContext context, QueryUserEncryptionKeys.Request request) {
        return typed(keys.queryLocal(request.body().deviceKeys(), java.util.Optional.empty()), QueryUserEncryptionKeysResponse.class);
    }

    @Override
    public ClaimUserEncryptionKeysResponse claimUserEncryptionKeys(RequestContext context, ClaimUserEncryptionKeys.Request request) {
        ObjectNode claimed = keys.claimLocal(request.body().oneTimeKeys());
        // the federation API's keys are signed objects: a bare string key (unsigned, of old clients) does not fit it
        claimed.path("one_time_keys").forEach(user -> user.forEach(device -> {
            java.util.List<String> bare = new java.util.ArrayList<>();
            device.properties().forEach(key -> {
                if (!key.getValue().isObject()) {
                    bare.add(key.getKey());
                }
            });
            ((ObjectNode) device).remove(bare);
        }));
        return typed(claimed, ClaimUserEncryptionKeysResponse.class);
    }

    private static <T> T typed(JsonNode json, Class<T> type) {
        try {
            return MatrixJson.convert(json, type);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(type.getSimpleName() + " does not fit its schema: " + e.getOriginalMessage(), e);
        }
    }
}
