package dev.mxspec.homeserver.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mxspec.homeserver.core.Ids;
import dev.mxspec.homeserver.services.AccountService;
import dev.mxspec.runtime.api.MatrixException;
import dev.mxspec.spec.v1_7.clientserver.AuthenticationData;
import java.util.Optional;

/**
 * User-interactive authentication with one stage: {@code m.login.dummy} for registration,
 * {@code m.login.password} for sensitive operations. Without {@code auth} the answer is the 401
 * listing the flow.
 */
final class Uia {

    private Uia() {}

    static void requireDummy(Optional<AuthenticationData> auth) {
        if (auth.flatMap(AuthenticationData::type).filter("m.login.dummy"::equals).isEmpty()) {
            throw challenge("m.login.dummy");
        }
    }

    static void requirePassword(Optional<AuthenticationData> auth, String userId, AccountService accounts) {
        if (auth.flatMap(AuthenticationData::type).filter("m.login.password"::equals).isEmpty()) {
            throw challenge("m.login.password");
        }
        JsonNode password = auth.get().additionalProperties().get("password");
        if (password == null || !password.isTextual()) {
            throw new MatrixException(400, "M_MISSING_PARAM", "m.login.password needs a password");
        }
        JsonNode identifier = auth.get().additionalProperties().get("identifier");
        JsonNode user = identifier != null ? identifier.get("user") : auth.get().additionalProperties().get("user");
        if (user != null && !Ids.userId(user.asText(), accounts.serverName()).equals(userId)) {
            throw new MatrixException(403, "M_FORBIDDEN", "authentication must be as the user making the request");
        }
        accounts.checkPassword(userId, password.asText());
    }

    private static MatrixException challenge(String stage) {
        ObjectNode body = JsonNodeFactory.instance.objectNode();
        body.putArray("flows").addObject().putArray("stages").add(stage);
        body.putObject("params");
        body.put("session", Ids.random(24));
        return MatrixException.withBody(401, body);
    }
}
