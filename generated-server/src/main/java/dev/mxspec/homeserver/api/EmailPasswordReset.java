package dev.mxspec.homeserver.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mxspec.homeserver.core.Caller;
import dev.mxspec.homeserver.services.AccountService;
import dev.mxspec.homeserver.services.ThirdPartyIds;
import dev.mxspec.runtime.api.ErrorCodes;
import dev.mxspec.runtime.api.MatrixException;
import dev.mxspec.runtime.json.MatrixJson;
import dev.mxspec.runtime.server.ServerRequest;
import dev.mxspec.runtime.server.ServerResponse;
import dev.mxspec.spec.v1_7.clientserver.endpoints.ChangePassword;
import java.io.IOException;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Optional;

/**
 * A forgotten password reset by email or phone number ({@code POST /account/password} without an access token, client-server API
 * "Password management"): the interactive authentication stage is {@code m.login.email.identity}, whose
 * {@code threepid_creds} ({@code sid}, {@code client_secret}) name a session of {@code /account/password/email/requestToken}
 * validated by the link in its mail; or {@code m.login.msisdn}, whose session of {@code /account/password/msisdn/requestToken}
 * the identity server of {@code msisdn_delegate} validated. The account with that address gets the new password; its devices are logged out
 * unless {@code logout_devices} is false. The session is used up. With an access token the request goes to the
 * router ({@link AccountHandlers#changePassword}, password stage), as it does when this server sends no mail (then a
 * request without a token is 401 {@code M_MISSING_TOKEN}).
 */
public final class EmailPasswordReset {

    static final String EMAIL_IDENTITY = "m.login.email.identity";

    private final ThirdPartyIds threepids;
    private final AccountService accounts;
    private final SecureRandom random = new SecureRandom();

    public EmailPasswordReset(ThirdPartyIds threepids, AccountService accounts) {
        this.threepids = threepids;
        this.accounts = accounts;
    }

    /** The answer when the request is a password reset without an access token; empty to let the router answer. */
    public Optional<ServerResponse> answer(ServerRequest request) {
        if (!threepids.mails() && !threepids.phones() || !request.method().equals("POST") || !request.path().equals(ChangePassword.ENDPOINT.path())
                || request.accessToken().isPresent()) {
            return Optional.empty();
        }
        try {
            ObjectNode body = body(request);
            JsonNode auth = body.get("auth");
            if (auth == null || auth.isNull()) {
                return Optional.of(ServerResponse.error(challenge(Optional.empty())));
            }
            if (!auth.isObject()) {
                throw new MatrixException(400, ErrorCodes.M_BAD_JSON, "auth must be an object");
            }
            if (!stages().contains(auth.path("type").asText(""))) {
                return Optional.of(ServerResponse.error(challenge(Optional.of("without an access token, only " + String.join(" or ", stages())
                        + " resets a password"))));
            }
            JsonNode creds = auth.has("threepid_creds") ? auth.get("threepid_creds") : auth.get("threepidCreds");
            if (creds == null || !creds.isObject()) {
                throw new MatrixException(400, ErrorCodes.M_MISSING_PARAM, "auth.threepid_creds must be an object with sid and client_secret");
            }
            String sid = text(creds, "sid");
            String clientSecret = text(creds, "client_secret");
            String newPassword = text(body, "new_password");
            JsonNode logout = body.get("logout_devices");
            if (logout != null && !logout.isNull() && !logout.isBoolean()) {
                throw new MatrixException(400, ErrorCodes.M_BAD_JSON, "logout_devices must be a boolean");
            }
            String userId = threepids.resetPasswordOwner(sid, clientSecret);
            accounts.changePassword(new Caller(userId, "", ""), newPassword, logout == null || logout.isNull() || logout.asBoolean());
            return Optional.of(ServerResponse.json(200, MatrixJson.mapper().createObjectNode()));
        } catch (MatrixException e) {
            return Optional.of(ServerResponse.error(e));
        }
    }

    /** The stages that prove an address: by mail when this server mails, by SMS when an identity server sends them. */
    private java.util.List<String> stages() {
        java.util.List<String> stages = new java.util.ArrayList<>();
        if (threepids.mails()) {
            stages.add(EMAIL_IDENTITY);
        }
        if (threepids.phones()) {
            stages.add(Uia.MSISDN);
        }
        return stages;
    }

    private MatrixException challenge(Optional<String> error) {
        ObjectNode body = MatrixJson.mapper().createObjectNode();
        error.ifPresent(e -> body.put("errcode", ErrorCodes.M_FORBIDDEN).put("error", e));
        var flows = body.putArray("flows");
        stages().forEach(stage -> flows.addObject().putArray("stages").add(stage));
        body.putObject("params");
        byte[] session = new byte[16];
        random.nextBytes(session);
        body.put("session", HexFormat.of().formatHex(session));
        body.putArray("completed");
        return MatrixException.withBody(401, body);
    }

    private static ObjectNode body(ServerRequest request) {
        try {
            JsonNode body = request.body().length == 0 ? MatrixJson.mapper().createObjectNode() : MatrixJson.mapper().readTree(request.body());
            if (!(body instanceof ObjectNode object)) {
                throw new MatrixException(400, ErrorCodes.M_BAD_JSON, "the body must be a JSON object");
            }
            return object;
        } catch (IOException e) {
            throw new MatrixException(400, ErrorCodes.M_NOT_JSON, "the body is not JSON");
        }
    }

    private static String text(JsonNode holder, String key) {
        JsonNode value = holder.get(key);
        if (value == null || value.isNull()) {
            throw new MatrixException(400, ErrorCodes.M_MISSING_PARAM, "missing " + key);
        }
        if (!value.isTextual()) {
            throw new MatrixException(400, ErrorCodes.M_BAD_JSON, key + " must be a string");
        }
        return value.asText();
    }
}
