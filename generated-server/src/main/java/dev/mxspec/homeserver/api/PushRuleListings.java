package dev.mxspec.homeserver.api;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mxspec.homeserver.core.Caller;
import dev.mxspec.homeserver.services.PushRules;
import dev.mxspec.runtime.api.ErrorCodes;
import dev.mxspec.runtime.api.MatrixException;
import dev.mxspec.runtime.server.ServerRequest;
import dev.mxspec.runtime.server.ServerResponse;
import java.util.Optional;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The push rule listings clients read besides the spec's {@code GET /pushrules/}: the rules of a
 * scope ({@code GET /pushrules/global/}) and of one kind ({@code GET /pushrules/global/override/}),
 * each with or without the trailing slash, and {@code /pushrules} without it. Answered before the
 * generated router, which has no operation for them.
 */
public final class PushRuleListings {

    private static final Pattern PATH = Pattern.compile("/_matrix/client/v3/pushrules(?:/([^/]*)(?:/([^/]*))?)?/?");

    private final PushRules rules;
    private final Function<ServerRequest, Caller> authenticate;

    public PushRuleListings(PushRules rules, Function<ServerRequest, Caller> authenticate) {
        this.rules = rules;
        this.authenticate = authenticate;
    }

    /** The answer when the request is one of these listings; empty to let the router answer. */
    public Optional<ServerResponse> answer(ServerRequest request) {
        if (!request.method().equals("GET")) {
            return Optional.empty();
        }
        Matcher m = PATH.matcher(request.path());
        if (!m.matches() || (m.group(1) == null && request.path().endsWith("/"))) {
            return Optional.empty(); // GET /pushrules/ is the spec's own operation
        }
        try {
            String userId = authenticate.apply(request).userId();
            JsonNode set = rules.ruleset(userId);
            if (m.group(1) == null || m.group(1).isEmpty()) {
                return Optional.of(ServerResponse.json(200, set));
            }
            if (!m.group(1).equals("global")) {
                throw new MatrixException(400, ErrorCodes.M_INVALID_PARAM, "the only push rule scope is 'global'");
            }
            if (m.group(2) == null || m.group(2).isEmpty()) {
                return Optional.of(ServerResponse.json(200, set.path("global")));
            }
            if (!PushRules.KINDS.contains(m.group(2))) {
                throw new MatrixException(400, ErrorCodes.M_INVALID_PARAM, "unknown push rule kind '" + m.group(2) + "'");
            }
            return Optional.of(ServerResponse.json(200, set.path("global").path(m.group(2))));
        } catch (MatrixException e) {
            return Optional.of(ServerResponse.error(e));
        }
    }
}
