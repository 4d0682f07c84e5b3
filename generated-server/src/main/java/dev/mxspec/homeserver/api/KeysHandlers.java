package dev.mxspec.homeserver.api;

import static dev.mxspec.homeserver.api.Handlers.caller;
import static dev.mxspec.homeserver.api.Handlers.typed;

import dev.mxspec.homeserver.core.Caller;
import dev.mxspec.homeserver.services.DeviceLists;
import dev.mxspec.homeserver.services.KeysService;
import dev.mxspec.runtime.json.MatrixJson;
import dev.mxspec.runtime.server.RequestContext;
import dev.mxspec.spec.v1_7.clientserver.ClaimKeysResponse;
import dev.mxspec.spec.v1_7.clientserver.GetKeysChangesResponse;
import dev.mxspec.spec.v1_7.clientserver.QueryKeysResponse;
import dev.mxspec.spec.v1_7.clientserver.UploadKeysResponse;
import dev.mxspec.spec.v1_7.clientserver.endpoints.ClaimKeys;
import dev.mxspec.spec.v1_7.clientserver.endpoints.GetKeysChanges;
import dev.mxspec.spec.v1_7.clientserver.endpoints.QueryKeys;
import dev.mxspec.spec.v1_7.clientserver.endpoints.UploadKeys;
import dev.mxspec.spec.v1_7.clientserver.server.KeysHandler;
import java.util.Map;
import java.util.Optional;

/** {@code /keys/upload}, {@code /keys/query}, {@code /keys/claim} and {@code /keys/changes} on {@link KeysService} and {@link DeviceLists}. */
public final class KeysHandlers implements KeysHandler {

    private final KeysService keys;
    private final DeviceLists deviceLists;

    public KeysHandlers(KeysService keys, DeviceLists deviceLists) {
        this.keys = keys;
        this.deviceLists = deviceLists;
    }

    @Override
    public UploadKeysResponse uploadKeys(RequestContext context, UploadKeys.Request request) {
        var body = request.body();
        return new UploadKeysResponse(keys.upload(caller(context), body.deviceKeys().map(MatrixJson::tree),
                body.oneTimeKeys().map(MatrixJson::tree), body.fallbackKeys().map(MatrixJson::tree)), Map.of());
    }

    @Override
    public QueryKeysResponse queryKeys(RequestContext context, QueryKeys.Request request) {
        return typed(keys.query(caller(context).userId(), request.body().deviceKeys(),
                request.body().timeout().orElse(KeysService.DEFAULT_TIMEOUT_MS)), QueryKeysResponse.class);
    }

    @Override
    public ClaimKeysResponse claimKeys(RequestContext context, ClaimKeys.Request request) {
        return typed(keys.claim(request.body().oneTimeKeys(), request.body().timeout().orElse(KeysService.DEFAULT_TIMEOUT_MS)), ClaimKeysResponse.class);
    }

    @Override
    public GetKeysChangesResponse getKeysChanges(RequestContext context, GetKeysChanges.Request request) {
        Caller caller = caller(context);
        DeviceLists.Update update = deviceLists.since(caller.userId(), Tokens.position(request.from()), Tokens.position(request.to()));
        return new GetKeysChangesResponse(Optional.of(update.changed()), Optional.of(update.left()), Map.of());
    }
}
