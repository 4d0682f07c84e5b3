package dev.mxspec.runtime.server;

import dev.mxspec.runtime.api.Endpoint;
import dev.mxspec.runtime.api.MatrixException;
import dev.mxspec.runtime.api.PathCodec;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Matches a request to an endpoint by method and path template, authenticates where the endpoint
 * requires it, runs the route and maps every failure to the Matrix error JSON. Independent of any
 * HTTP server library: adapters turn their requests into {@link ServerRequest}s.
 */
public final class RouteTable {

    /** Runs one endpoint: parses the request into the typed record and calls the handler. */
    @FunctionalInterface
    public interface Route {
        ServerResponse handle(RequestContext context, Map<String, String> pathParams) throws Exception;
    }

    /**
     * Tells apart operations that share a method and path (the spec has two {@code POST
     * /rooms/{roomId}/invite}, for users and for third-party identifiers): how well a request fits
     * this one, negative when it does not.
     */
    @FunctionalInterface
    public interface Selector {
        int score(ServerRequest request);
    }

    private record Entry(Endpoint endpoint, List<String> segments, Route route, Selector selector) {}

    private static final System.Logger LOG = System.getLogger(RouteTable.class.getName());

    /**
     * The one path parameter that may be empty: the spec says of {@code stateKey} "Defaults to
     * empty string. When an empty string, the trailing slash on this endpoint is optional."
     */
    private static final String EMPTY_TRAILING_PARAMETER = "{stateKey}";

    private final Map<Integer, List<Entry>> bySegmentCount = new HashMap<>();
    private final Authenticator authenticator;

    public RouteTable(Authenticator authenticator) {
        this.authenticator = authenticator;
    }

    public RouteTable add(Endpoint endpoint, Route route) {
        return add(endpoint, route, request -> 0);
    }

    /** Adds a route that shares its method and path with others; the best-scoring one handles a request. */
    public RouteTable add(Endpoint endpoint, Route route, Selector selector) {
        List<String> segments = endpoint.segments();
        bySegmentCount.computeIfAbsent(segments.size(), n -> new ArrayList<>()).add(new Entry(endpoint, segments, route, selector));
        return this;
    }

    /** The endpoint a request would go to, with its decoded path parameters. */
    public Optional<Map.Entry<Endpoint, Map<String, String>>> match(ServerRequest request) {
        return find(request).map(m -> Map.entry(m.entry.endpoint(), m.params));
    }

    /** Handles a request; never throws, every failure is a Matrix error response. */
    public ServerResponse handle(ServerRequest request) {
        try {
            Match match = find(request).orElseThrow(() -> notFound(request));
            Endpoint endpoint = match.entry.endpoint();
            Optional<Object> principal = endpoint.authenticated()
                    ? Optional.of(authenticator.authenticate(endpoint, request))
                    : Optional.empty();
            RequestContext context = new RequestContext(request, request.accessToken(), principal);
            return match.entry.route().handle(context, match.params);
        } catch (MatrixException e) {
            return ServerResponse.error(e);
        } catch (Exception e) {
            LOG.log(System.Logger.Level.ERROR, "request failed: " + request.method() + " " + request.path(), e);
            return ServerResponse.error(new MatrixException(500, "M_UNKNOWN", "internal error"));
        }
    }

    private record Match(Entry entry, Map<String, String> params) {}

    private Optional<Match> find(ServerRequest request) {
        List<String> parts = split(request.path());
        Optional<Match> found = find(request, parts);
        if (found.isEmpty()) {
            // "/state/m.room.topic" stands for "/state/m.room.topic/" (an empty state key)
            List<String> withEmptyLast = new ArrayList<>(parts);
            withEmptyLast.add("");
            found = find(request, withEmptyLast);
        }
        return found;
    }

    private Optional<Match> find(ServerRequest request, List<String> parts) {
        Match best = null;
        int bestScore = Integer.MIN_VALUE;
        for (Entry entry : bySegmentCount.getOrDefault(parts.size(), List.of())) {
            if (entry.endpoint().method().equals(request.method())) {
                Map<String, String> params = bind(entry.segments(), parts);
                if (params != null) {
                    int score = entry.selector().score(request);
                    if (best == null || score > bestScore) {
                        best = new Match(entry, params);
                        bestScore = score;
                    }
                }
            }
        }
        return Optional.ofNullable(best);
    }

    private MatrixException notFound(ServerRequest request) {
        List<String> parts = split(request.path());
        for (Entry entry : bySegmentCount.getOrDefault(parts.size(), List.of())) {
            if (bind(entry.segments(), parts) != null) {
                return MatrixException.methodNotAllowed(request.method(), request.path());
            }
        }
        return MatrixException.unrecognized(request.method(), request.path());
    }

    private static Map<String, String> bind(List<String> template, List<String> parts) {
        Map<String, String> params = new LinkedHashMap<>();
        for (int i = 0; i < template.size(); i++) {
            String t = template.get(i);
            String p = parts.get(i);
            if (t.startsWith("{") && t.endsWith("}")) {
                if (p.isEmpty() && !(i == template.size() - 1 && t.equals(EMPTY_TRAILING_PARAMETER))) {
                    return null;
                }
                params.put(t.substring(1, t.length() - 1), PathCodec.decode(p, false));
            } else if (!t.equals(p)) {
                return null;
            }
        }
        return params;
    }

    private static List<String> split(String path) {
        String p = path.startsWith("/") ? path.substring(1) : path;
        return List.of(p.split("/", -1));
    }
}
