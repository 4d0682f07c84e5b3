package dev.mxspec.homeserver.services;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mxspec.homeserver.core.CheckedResolver;
import dev.mxspec.homeserver.core.GuardedHttp;
import dev.mxspec.runtime.api.ErrorCodes;
import dev.mxspec.runtime.api.MatrixException;
import dev.mxspec.runtime.client.MatrixHttpClient;
import dev.mxspec.runtime.client.RetryPolicy;
import dev.mxspec.runtime.json.MatrixJson;
import dev.mxspec.spec.v1_7.identity.BindV2Request;
import dev.mxspec.spec.v1_7.identity.GetHashDetailsResponse;
import dev.mxspec.spec.v1_7.identity.LookupUsersV2Request;
import dev.mxspec.spec.v1_7.identity.LookupUsersV2Response;
import dev.mxspec.spec.v1_7.identity.StoreInviteV2Request;
import dev.mxspec.spec.v1_7.identity.StoreInviteV2Response;
import dev.mxspec.spec.v1_7.identity.ThreePid;
import dev.mxspec.spec.v1_7.identity.UnbindV2Request;
import dev.mxspec.spec.v1_7.identity.client.IdentityClient;
import dev.mxspec.spec.v1_7.identity.endpoints.BindV2;
import dev.mxspec.spec.v1_7.identity.endpoints.GetHashDetails;
import dev.mxspec.spec.v1_7.identity.endpoints.LookupUsersV2;
import dev.mxspec.spec.v1_7.identity.endpoints.StoreInviteV2;
import dev.mxspec.spec.v1_7.identity.endpoints.UnbindV2;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.regex.Pattern;

/**
 * Calls to identity servers (the identity service API v2) through the generated {@link IdentityClient}: binding a
 * third-party identifier the identity server validated, unbinding one (signed by this server), looking an address up
 * with the v2 hashing ({@code hash_details}, then {@code lookup} with {@code sha256} or {@code none}), and storing a
 * third-party invite. The user's {@code id_access_token} goes in the {@code Authorization} header.
 *
 * <p>Failures become Matrix errors for the client: what the identity server refused (4xx) is a 400 with its errcode
 * (403 {@code M_FORBIDDEN} for a token it does not accept); an identity server that is unreachable, slow or answers
 * garbage is a 502 {@code M_UNKNOWN} naming it.
 */
public final class IdentityServers implements AutoCloseable {

    /** The {@code Authorization: X-Matrix ...} header of a request this server signs, for {@code 3pid/unbind}. */
    @FunctionalInterface
    public interface RequestSigner {
        String authorization(String method, String uri, String destination, JsonNode content);
    }

    /** An identity server's name as clients give it: a host name or address, with an optional port. */
    private static final Pattern ID_SERVER = Pattern.compile("[A-Za-z0-9.\\-]+(:[0-9]{1,5})?|\\[[0-9A-Fa-f:.]+\\](:[0-9]{1,5})?");
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private final GuardedHttp http;
    private final Function<String, URI> baseUrl;
    private final RequestSigner signer;

    /**
     * @param baseUrl the base URL of an identity server by its name ({@code https://} + name in production)
     * @param signer signs the unbind requests of this server
     * @param denied the addresses identity servers may not be reached at (clients name them)
     */
    public IdentityServers(Function<String, URI> baseUrl, RequestSigner signer, Predicate<InetAddress> denied) {
        this.baseUrl = baseUrl;
        this.signer = signer;
        this.http = new GuardedHttp(new CheckedResolver(denied.negate(), a -> "an identity server is at " + a.getHostAddress()
                + ", an address this server may not reach"), Duration.ofSeconds(10), 1 << 20);
    }

    /**
     * The base URL of a client-named identity server. Its addresses are checked as it is connected to
     * ({@link CheckedResolver}): 403 {@code M_FORBIDDEN} when every one is denied, 502 when the name does not resolve.
     */
    private URI base(String idServer) {
        return baseUrl.apply(requireName(idServer));
    }

    /** Checks a client-given {@code id_server}; 400 {@code M_INVALID_PARAM} when it is not a host name with an optional port. */
    public static String requireName(String idServer) {
        if (idServer == null || idServer.length() > 255 || !ID_SERVER.matcher(idServer).matches()) {
            throw new MatrixException(400, ErrorCodes.M_INVALID_PARAM, "id_server must be a host name with an optional port");
        }
        return idServer;
    }

    /** A validated third-party identifier bound at the identity server, as it answered. */
    public record Binding(String medium, String address, String mxid) {}

    /** Binds the identifier of the identity server's session {@code sid} to {@code mxid}. */
    public Binding bind(String idServer, String idAccessToken, String sid, String clientSecret, String mxid) {
        IdentityClient client = client(idServer, Optional.of(idAccessToken));
        var response = await(idServer, client.bindV2Async(new BindV2.Request(Optional.of(new BindV2Request(sid, clientSecret, mxid, Map.of())))));
        if (!mxid.equals(response.mxid())) {
            throw unusable(idServer, "it bound " + response.mxid() + " instead");
        }
        return new Binding(response.medium(), response.address(), response.mxid());
    }

    /** Unbinds {@code address} from {@code mxid}; false when the identity server does not support unbinding (400, 404, 501). */
    public boolean unbind(String idServer, String mxid, String medium, String address) {
        UnbindV2Request body = new UnbindV2Request(Optional.empty(), Optional.empty(), mxid, new ThreePid(medium, address, Map.of()), Map.of());
        JsonNode content = MatrixJson.mapper().valueToTree(body);
        String authorization = signer.authorization("POST", UnbindV2.ENDPOINT.expand(Map.of()), idServer, content);
        MatrixHttpClient raw = new MatrixHttpClient(base(idServer), http, RetryPolicy.none());
        try {
            awaitRefusable(idServer, raw.<JsonNode>sendAsync(new MatrixHttpClient.Call(UnbindV2.ENDPOINT, Map.of(), Map.of(),
                    Map.of("Authorization", authorization), body), MatrixJson.mapper().constructType(JsonNode.class)));
            return true;
        } catch (Refused e) {
            if (e.status == 400 || e.status == 404 || e.status == 501) {
                return false;
            }
            throw e.error;
        }
    }

    /** The user ID {@code address} is bound to at the identity server, if any. */
    public Optional<String> lookup(String idServer, String idAccessToken, String medium, String address) {
        IdentityClient client = client(idServer, Optional.of(idAccessToken));
        GetHashDetailsResponse details = await(idServer, client.getHashDetailsAsync(new GetHashDetails.Request()));
        String plain = address + " " + medium;
        String algorithm;
        String lookedUp;
        if (details.algorithms().contains("sha256")) {
            algorithm = "sha256";
            lookedUp = sha256(plain + " " + details.lookupPepper());
        } else if (details.algorithms().contains("none")) {
            algorithm = "none";
            lookedUp = plain;
        } else {
            throw unusable(idServer, "it offers none of the lookup algorithms sha256 and none");
        }
        LookupUsersV2Response found = await(idServer, client.lookupUsersV2Async(new LookupUsersV2.Request(Optional.of(
                new LookupUsersV2Request(algorithm, details.lookupPepper(), List.of(lookedUp), Map.of())))));
        return Optional.ofNullable(found.mappings().get(lookedUp));
    }

    /** Stores a third-party invite at the identity server: its token, public keys and the address's display name. */
    public StoreInviteV2Response storeInvite(String idServer, String idAccessToken, StoreInviteV2Request request) {
        IdentityClient client = client(idServer, Optional.of(idAccessToken));
        StoreInviteV2Response response = await(idServer, client.storeInviteV2Async(new StoreInviteV2.Request(Optional.of(request))));
        if (response.publicKeys().isEmpty() || response.token().isEmpty()) {
            throw unusable(idServer, "its store-invite answer has no token or no public key");
        }
        return response;
    }

    /** The base64 (unpadded, URL-safe) SHA-256 the v2 lookup compares. */
    static String sha256(String text) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
            return Base64.getUrlEncoder().withoutPadding().encodeToString(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The normalised form the lookup hashes: email addresses in lower case. */
    public static String normalise(String medium, String address) {
        return medium.equals("email") ? address.trim().toLowerCase(Locale.ROOT) : address.trim();
    }

    private IdentityClient client(String idServer, Optional<String> idAccessToken) {
        MatrixHttpClient core = new MatrixHttpClient(base(idServer), http, RetryPolicy.none());
        idAccessToken.ifPresent(core::accessToken);
        return new IdentityClient(core);
    }

    /** An identity server's refusal, kept with its status so that callers may treat some as "not supported". */
    static final class Refused extends RuntimeException {
        private static final long serialVersionUID = 1L;
        final int status;
        final transient MatrixException error;

        Refused(int status, MatrixException error) {
            super(error.getMessage(), null, false, false);
            this.status = status;
            this.error = error;
        }
    }

    /** Waits for a call; a refusal or failure is the Matrix error the client gets. */
    static <T> T await(String idServer, CompletableFuture<T> call) {
        try {
            return awaitRefusable(idServer, call);
        } catch (Refused e) {
            throw e.error;
        }
    }

    /** Waits for a call; a refusal or failure is a {@link Refused} with the identity server's status. */
    static <T> T awaitRefusable(String idServer, CompletableFuture<T> call) {
        try {
            return call.orTimeout(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS).get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw unreachable(idServer, "interrupted");
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (CheckedResolver.denied(e).isPresent()) {
                throw new MatrixException(403, ErrorCodes.M_FORBIDDEN, "the identity server " + idServer
                        + " is at an address this server may not reach");
            }
            if (CheckedResolver.cause(e, UnknownHostException.class).isPresent()) {
                throw new Refused(502, unreachable(idServer, "its name does not resolve"));
            }
            if (cause instanceof MatrixException m && m.status() >= 400 && m.status() < 500) {
                MatrixException mapped = m.status() == 401 || m.status() == 403
                        ? new MatrixException(403, ErrorCodes.M_FORBIDDEN, "the identity server " + idServer + " refused: " + m.errcode() + " "
                                + m.error())
                        : new MatrixException(400, m.errcode().startsWith("M_") ? m.errcode() : ErrorCodes.M_UNKNOWN,
                                "the identity server " + idServer + " refused: " + m.error());
                throw new Refused(m.status(), mapped);
            }
            if (cause instanceof MatrixException m) {
                throw new Refused(m.status(), unreachable(idServer, "it answered " + m.status()));
            }
            if (cause instanceof TimeoutException) {
                throw new Refused(504, unreachable(idServer, "no answer in " + TIMEOUT.toSeconds() + " s"));
            }
            if (cause instanceof UncheckedIOException || cause instanceof java.io.IOException || cause instanceof IllegalArgumentException) {
                throw new Refused(502, unreachable(idServer, "it cannot be reached"));
            }
            throw new Refused(502, unreachable(idServer, "its answer cannot be used"));
        }
    }

    private static MatrixException unreachable(String idServer, String why) {
        return new MatrixException(502, ErrorCodes.M_UNKNOWN, "the identity server " + idServer + " failed: " + why);
    }

    private static MatrixException unusable(String idServer, String why) {
        return unreachable(idServer, why);
    }

    @Override
    public void close() {
        http.close();
    }
}
