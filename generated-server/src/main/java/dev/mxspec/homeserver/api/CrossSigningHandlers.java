package dev.mxspec.homeserver.api;

import static dev.mxspec.homeserver.api.Handlers.caller;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mxspec.homeserver.core.Caller;
import dev.mxspec.homeserver.services.AccountService;
import dev.mxspec.homeserver.services.CrossSigning;
import dev.mxspec.runtime.json.MatrixJson;
import dev.mxspec.runtime.server.RequestContext;
import dev.mxspec.spec.v1_7.clientserver.CrossSigningKey;
import dev.mxspec.spec.v1_7.clientserver.UploadCrossSigningSignaturesResponse;
import dev.mxspec.spec.v1_7.clientserver.endpoints.UploadCrossSigningKeys;
import dev.mxspec.spec.v1_7.clientserver.endpoints.UploadCrossSigningSignatures;
import dev.mxspec.spec.v1_7.clientserver.server.CrossSigningHandler;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * {@code /keys/device_signing/upload} and {@code /keys/signatures/upload} on {@link CrossSigning}. Replacing keys
 * takes user-interactive authentication with the password; the first upload (no master key yet) does not, as
 * MSC3967 and Synapse allow, nor does one that repeats the stored keys.
 */
public final class CrossSigningHandlers implements CrossSigningHandler {

    private final CrossSigning crossSigning;
    private final Uia uia;

    public CrossSigningHandlers(CrossSigning crossSigning, AccountService accounts) {
        this.crossSigning = crossSigning;
        this.uia = new Uia(accounts, System::currentTimeMillis);
    }

    @Override
    public JsonNode uploadCrossSigningKeys(RequestContext context, UploadCrossSigningKeys.Request request) {
        Caller caller = caller(context);
        var body = request.body();
        CrossSigning.Upload upload = new CrossSigning.Upload(body.masterKey().map(CrossSigningHandlers::tree),
                body.selfSigningKey().map(CrossSigningHandlers::tree), body.userSigningKey().map(CrossSigningHandlers::tree));
        crossSigning.upload(caller.userId(), upload, () -> uia.require(context, Uia.PASSWORD, Optional.of(caller.userId())));
        return Handlers.empty();
    }

    @Override
    public UploadCrossSigningSignaturesResponse uploadCrossSigningSignatures(RequestContext context,
            UploadCrossSigningSignatures.Request request) {
        ObjectNode failures = crossSigning.uploadSignatures(caller(context).userId(), request.body());
        Map<String, Map<String, JsonNode>> out = new LinkedHashMap<>();
        failures.properties().forEach(user -> {
            Map<String, JsonNode> byKey = new LinkedHashMap<>();
            user.getValue().properties().forEach(key -> byKey.put(key.getKey(), key.getValue()));
            out.put(user.getKey(), byKey);
        });
        return new UploadCrossSigningSignaturesResponse(Optional.of(out), Map.of());
    }

    private static ObjectNode tree(CrossSigningKey key) {
        return (ObjectNode) MatrixJson.tree(key);
    }
}
