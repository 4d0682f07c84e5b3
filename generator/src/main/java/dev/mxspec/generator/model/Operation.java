package dev.mxspec.generator.model;

import java.util.List;
import java.util.Optional;

/**
 * One HTTP operation of an API. Every request field sits in exactly one place: path, query,
 * header, or body.
 *
 * @param operationId the spec's operationId
 * @param method upper-case HTTP method
 * @param path the full path, basePath + path, for example {@code /_matrix/client/v3/rooms/{roomId}/send/{eventType}/{txnId}}
 * @param summary one-line summary
 * @param description longer description
 * @param tags the spec's tags
 * @param consumes media types of the request body (the operation's, else its file's)
 * @param produces media types of the responses (the operation's, else its file's)
 * @param pathParams path parameters, in path order
 * @param queryParams query parameters ({@code fields...} means any further query parameters)
 * @param headerParams header parameters
 * @param body the request body, if the operation takes one
 * @param responses by status code
 * @param security how the caller authenticates, empty when the operation needs no authentication
 * @param rateLimited whether the spec marks the operation as rate-limited (a 429 response)
 * @param versions version markers
 * @param source where it is defined
 */
public record Operation(
        String operationId,
        String method,
        String path,
        String summary,
        String description,
        List<String> tags,
        List<String> consumes,
        List<String> produces,
        List<Field> pathParams,
        List<Field> queryParams,
        List<Field> headerParams,
        Optional<Body> body,
        List<Response> responses,
        Optional<Security> security,
        boolean rateLimited,
        VersionInfo versions,
        SourceRef source) {

    public Operation {
        tags = List.copyOf(tags);
        consumes = List.copyOf(consumes);
        produces = List.copyOf(produces);
        pathParams = List.copyOf(pathParams);
        queryParams = List.copyOf(queryParams);
        headerParams = List.copyOf(headerParams);
        responses = List.copyOf(responses);
    }

    /** {@code METHOD /path}. */
    public String key() {
        return method + " " + path;
    }

    /**
     * Whether the request body is raw bytes rather than JSON (a media upload): the operation
     * consumes something other than JSON, or its body is a string of format {@code byte} or
     * {@code binary}.
     */
    public boolean binaryBody() {
        if (body.isEmpty()) {
            return false;
        }
        boolean bytes = body.get().type() instanceof TypeRef.Primitive p && p.kind() == TypeRef.PrimitiveKind.STRING
                && p.format().map(f -> f.equals("byte") || f.equals("binary")).orElse(false);
        return bytes || (!consumes.isEmpty() && !consumes.contains("application/json"));
    }

    public Optional<Response> response(int status) {
        return responses.stream().filter(r -> r.status() == status).findFirst();
    }

    /**
     * A request body.
     *
     * @param name the body parameter's name
     * @param type its type
     * @param required whether the body is required
     * @param description the description
     * @param examples request examples (the body schema's {@code example})
     */
    public record Body(String name, TypeRef type, boolean required, String description, List<Example> examples) {
        public Body {
            examples = List.copyOf(examples);
        }
    }

    /**
     * One documented response.
     *
     * @param status HTTP status; for a range such as {@code 4xx}, its first status (400)
     * @param range whether the spec gives a range of statuses ({@code 3xx}) rather than one
     * @param description the description
     * @param type the JSON body's type, empty when the response has no schema
     * @param headers response headers
     * @param examples response examples by content type ({@code application/json} ones as canonical JSON)
     */
    public record Response(int status, boolean range, String description, Optional<TypeRef> type, List<Field> headers, List<Example> examples) {
        public Response {
            headers = List.copyOf(headers);
            examples = List.copyOf(examples);
        }

        /** The status as the spec writes it: {@code 200}, or {@code 4xx} for a range. */
        public String code() {
            return range ? (status / 100) + "xx" : Integer.toString(status);
        }
    }

    /**
     * How a caller authenticates.
     *
     * @param scheme the security scheme name, for example {@code accessToken}
     * @param in {@code query} or {@code header}
     * @param name the query parameter or header name
     * @param description the scheme's description
     */
    public record Security(String scheme, String in, String name, String description) {}
}
