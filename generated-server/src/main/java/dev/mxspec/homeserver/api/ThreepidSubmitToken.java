package dev.mxspec.homeserver.api;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mxspec.homeserver.services.ThirdPartyIds;
import dev.mxspec.runtime.api.ErrorCodes;
import dev.mxspec.runtime.api.MatrixException;
import dev.mxspec.runtime.json.MatrixJson;
import dev.mxspec.runtime.server.ServerRequest;
import dev.mxspec.runtime.server.ServerResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;

/**
 * Where the token of an email validation is submitted ({@link ThirdPartyIds#SUBMIT_PATH}, the path Synapse serves):
 * {@code GET} with {@code token}, {@code client_secret} and {@code sid} in the query is the link in the mail, answered
 * with a short plain-text page; {@code POST} with the same three in a JSON body is the {@code submit_url} of the
 * {@code requestToken} answer, answered {@code {"success": true}} as an identity server's {@code submitToken} is. A
 * wrong token, sid or client secret, or a session already validated, is 400 {@code M_THREEPID_AUTH_FAILED}. The token of
 * an SMS is {@code POST}ed the same way to {@link ThirdPartyIds#MSISDN_SUBMIT_PATH} (the {@code submit_url} of the msisdn
 * {@code requestToken} answers, as Synapse's) and passed on to the identity server that sent it, since clients hold no
 * access token of that identity server.
 */
public final class ThreepidSubmitToken {

    private final ThirdPartyIds threepids;

    public ThreepidSubmitToken(ThirdPartyIds threepids) {
        this.threepids = threepids;
    }

    /** The answer when the request is a token submission; empty to let the router answer. */
    public Optional<ServerResponse> answer(ServerRequest request) {
        if (request.path().equals(ThirdPartyIds.MSISDN_SUBMIT_PATH)) {
            return Optional.of(submitMsisdn(request));
        }
        if (!request.path().equals(ThirdPartyIds.SUBMIT_PATH)) {
            return Optional.empty();
        }
        try {
            return Optional.of(switch (request.method()) {
                case "GET" -> {
                    threepids.submitToken(param(request.queryValue("sid"), "sid"), param(request.queryValue("client_secret"), "client_secret"),
                            param(request.queryValue("token"), "token"));
                    yield ServerResponse.bytes(200, "text/plain; charset=utf-8", Map.of(),
                            "Your email address has been validated: you may return to your Matrix client.\n".getBytes(StandardCharsets.UTF_8));
                }
                case "POST" -> {
                    JsonNode body = body(request);
                    threepids.submitToken(text(body, "sid"), text(body, "client_secret"), text(body, "token"));
                    yield ServerResponse.json(200, MatrixJson.mapper().createObjectNode().put("success", true));
                }
                default -> throw new MatrixException(405, ErrorCodes.M_UNRECOGNIZED, "use GET (the link in the mail) or POST");
            });
        } catch (MatrixException e) {
            return Optional.of(ServerResponse.error(e));
        }
    }

    /** The token of an SMS, passed on to the identity server that sent it. */
    private ServerResponse submitMsisdn(ServerRequest request) {
        try {
            if (!request.method().equals("POST")) {
                throw new MatrixException(405, ErrorCodes.M_UNRECOGNIZED, "use POST");
            }
            JsonNode body = body(request);
            threepids.submitMsisdnToken(text(body, "sid"), text(body, "client_secret"), text(body, "token"));
            return ServerResponse.json(200, MatrixJson.mapper().createObjectNode().put("success", true));
        } catch (MatrixException e) {
            return ServerResponse.error(e);
        }
    }

    private static JsonNode body(ServerRequest request) {
        try {
            JsonNode body = MatrixJson.mapper().readTree(request.body());
            if (body == null || !body.isObject()) {
                throw new MatrixException(400, ErrorCodes.M_BAD_JSON, "the body must be a JSON object with sid, client_secret and token");
            }
            return body;
        } catch (IOException e) {
            throw new MatrixException(400, ErrorCodes.M_NOT_JSON, "the body is not JSON");
        }
    }

    private static String text(JsonNode body, String key) {
        JsonNode value = body.get(key);
        if (value == null || value.isNull()) {
            throw new MatrixException(400, ErrorCodes.M_MISSING_PARAM, "missing " + key);
        }
        if (!value.isTextual()) {
            throw new MatrixException(400, ErrorCodes.M_BAD_JSON, key + " must be a string");
        }
        return value.asText();
    }

    private static String param(Optional<String> value, String key) {
        return value.orElseThrow(() -> new MatrixException(400, ErrorCodes.M_MISSING_PARAM, "missing " + key));
    }
}
