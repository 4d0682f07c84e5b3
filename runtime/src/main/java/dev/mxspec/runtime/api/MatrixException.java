package dev.mxspec.runtime.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Optional;

/**
 * A Matrix error: an {@code errcode}, a human {@code error} message and the HTTP status, as the
 * spec's standard error response has them ({@code {"errcode": "M_FORBIDDEN", "error": "..."}}).
 * Servers throw it from handlers; clients get it for any error response.
 */
public class MatrixException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final int status;
    private final String errcode;
    private final transient ObjectNode body;

    public MatrixException(int status, String errcode, String error) {
        this(status, errcode, error, null);
    }

    /** An error with further fields in its JSON body (for example {@code retry_after_ms}). */
    public MatrixException(int status, String errcode, String error, ObjectNode extra) {
        super(errcode + ": " + error);
        this.status = status;
        this.errcode = errcode;
        ObjectNode json = JsonNodeFactory.instance.objectNode();
        if (extra != null) {
            json.setAll(extra);
        }
        json.put("errcode", errcode);
        json.put("error", error);
        this.body = json;
    }

    private MatrixException(int status, ObjectNode body, String description) {
        super(description);
        this.status = status;
        this.errcode = body.path("errcode").asText("");
        this.body = body.deepCopy();
    }

    /**
     * A response whose body is given whole, such as the 401 of user-interactive authentication
     * ({@code flows}, {@code session}), which carries no {@code errcode} until a stage fails.
     */
    public static MatrixException withBody(int status, ObjectNode body) {
        return new MatrixException(status, body, "HTTP " + status + ": " + body);
    }

    public int status() {
        return status;
    }

    public String errcode() {
        return errcode;
    }

    public String error() {
        return body.path("error").asText();
    }

    /** The whole error JSON, as sent. */
    public ObjectNode body() {
        return body.deepCopy();
    }

    /** {@code retry_after_ms} of an {@code M_LIMIT_EXCEEDED} error. */
    public Optional<Long> retryAfterMs() {
        JsonNode retry = body.get("retry_after_ms");
        return retry != null && retry.canConvertToLong() ? Optional.of(retry.asLong()) : Optional.empty();
    }

    public static MatrixException notJson(String why) {
        return new MatrixException(400, ErrorCodes.M_NOT_JSON, why);
    }

    public static MatrixException badJson(String why) {
        return new MatrixException(400, ErrorCodes.M_BAD_JSON, why);
    }

    public static MatrixException missingParam(String name) {
        return new MatrixException(400, ErrorCodes.M_MISSING_PARAM, "missing parameter '" + name + "'");
    }

    public static MatrixException invalidParam(String name, String why) {
        return new MatrixException(400, ErrorCodes.M_INVALID_PARAM, "parameter '" + name + "': " + why);
    }

    public static MatrixException unrecognized(String method, String path) {
        return new MatrixException(404, ErrorCodes.M_UNRECOGNIZED, "unrecognized request: " + method + " " + path);
    }

    public static MatrixException methodNotAllowed(String method, String path) {
        return new MatrixException(405, ErrorCodes.M_UNRECOGNIZED, "method " + method + " not allowed on " + path);
    }

    public static MatrixException forbidden(String why) {
        return new MatrixException(403, ErrorCodes.M_FORBIDDEN, why);
    }

    public static MatrixException limitExceeded(long retryAfterMs) {
        ObjectNode extra = JsonNodeFactory.instance.objectNode().put("retry_after_ms", retryAfterMs);
        return new MatrixException(429, ErrorCodes.M_LIMIT_EXCEEDED, "too many requests", extra);
    }
}
