package dev.mxspec.homeserver.services;

import dev.mxspec.runtime.client.MatrixHttpClient;
import dev.mxspec.runtime.client.RetryPolicy;
import dev.mxspec.spec.v1_7.clientserver.OpenIdCredentials;
import dev.mxspec.spec.v1_7.identity.GetValidated3pidV2Response;
import dev.mxspec.spec.v1_7.identity.MsisdnRequestTokenV2Request;
import dev.mxspec.spec.v1_7.identity.MsisdnSubmitTokenPostV2Request;
import dev.mxspec.spec.v1_7.identity.client.IdentityClient;
import dev.mxspec.spec.v1_7.identity.endpoints.GetValidated3pidV2;
import dev.mxspec.spec.v1_7.identity.endpoints.MsisdnRequestTokenV2;
import dev.mxspec.spec.v1_7.identity.endpoints.MsisdnSubmitTokenPostV2;
import dev.mxspec.spec.v1_7.identity.endpoints.RegisterAccount;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The identity server this server delegates phone numbers to ({@code msisdn_delegate}, as Synapse's
 * {@code account_threepid_delegates.msisdn}), through the generated {@link IdentityClient}: it sends the SMS of a
 * {@code requestToken}, takes the token the client submits through this server, and tells whether a session was
 * validated ({@code getValidated3pid}).
 *
 * <p>The identity service API v2 takes an access token: this server gets one as any client of an identity server does,
 * by registering there ({@code account/register}) with an OpenID token of its own ({@link #userId}; the identity server
 * asks this server's {@code openid/userinfo} whose it is), and registers again when the identity server no longer accepts it.
 * Failures are those of {@link IdentityServers}: a refusal is a 400 with the identity server's errcode, an identity
 * server down or answering garbage a 502 {@code M_UNKNOWN} naming it.
 */
public final class MsisdnDelegate {

    /** What the identity server validated: the number in international form, and when. */
    public record Validated3pid(String msisdn, long validatedAt) {}

    private final URI baseUrl;
    private final Supplier<OpenIdCredentials> openId;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).followRedirects(HttpClient.Redirect.NEVER)
            .build();
    private volatile Optional<String> accessToken = Optional.empty();

    /** @param openId makes an OpenID token of this server, which the identity server exchanges for an access token */
    public MsisdnDelegate(URI baseUrl, Supplier<OpenIdCredentials> openId) {
        this.baseUrl = baseUrl;
        this.openId = openId;
    }

    /**
     * The user ID this server's OpenID tokens name at the identity server: {@code @Homeserver:<server_name>}, which no
     * account can have (registration takes lower-case localparts only).
     */
    public static String userId(String serverName) {
        return "@Homeserver:" + serverName;
    }

    /** The identity server, as errors name it. */
    public String name() {
        return baseUrl.getAuthority();
    }

    /** Asks the identity server to send an SMS with a token to the number; the sid of its session. */
    public String requestToken(String clientSecret, String country, String phoneNumber, long sendAttempt, Optional<String> nextLink) {
        MsisdnRequestTokenV2Request body = new MsisdnRequestTokenV2Request(clientSecret, country, phoneNumber, sendAttempt, nextLink, Map.of());
        return authorized(c -> c.msisdnRequestTokenV2Async(new MsisdnRequestTokenV2.Request(Optional.of(body)))).sid();
    }

    /** Submits the token of the SMS; whether the identity server accepted it. */
    public boolean submitToken(String sid, String clientSecret, String token) {
        MsisdnSubmitTokenPostV2Request body = new MsisdnSubmitTokenPostV2Request(sid, clientSecret, token, Map.of());
        return authorized(c -> c.msisdnSubmitTokenPostV2Async(new MsisdnSubmitTokenPostV2.Request(Optional.of(body)))).success();
    }

    /**
     * The phone number the session {@code sid} validated; empty when the identity server has no validated session with
     * that sid and client secret (its 400 and 404: not validated, expired, unknown).
     */
    public Optional<Validated3pid> validated(String sid, String clientSecret) {
        GetValidated3pidV2Response found;
        try {
            found = authorizedRefusable(c -> c.getValidated3pidV2Async(new GetValidated3pidV2.Request(sid, clientSecret)));
        } catch (IdentityServers.Refused e) {
            if (e.status == 400 || e.status == 404) {
                return Optional.empty();
            }
            throw e.error;
        }
        return Optional.of(new Validated3pid(found.address(), found.validatedAt()));
    }

    private <T> T authorized(Function<IdentityClient, CompletableFuture<T>> call) {
        try {
            return authorizedRefusable(call);
        } catch (IdentityServers.Refused e) {
            throw e.error;
        }
    }

    /** The call with this server's access token, registered again once when the identity server refuses it (401). */
    private <T> T authorizedRefusable(Function<IdentityClient, CompletableFuture<T>> call) {
        String token = accessToken.orElseGet(this::register);
        try {
            return IdentityServers.awaitRefusable(name(), call.apply(client(Optional.of(token))));
        } catch (IdentityServers.Refused e) {
            if (e.status != 401) {
                throw e;
            }
            return IdentityServers.awaitRefusable(name(), call.apply(client(Optional.of(register()))));
        }
    }

    private synchronized String register() {
        String token = IdentityServers.await(name(), client(Optional.empty()).registerAccountAsync(new RegisterAccount.Request(Optional.of(
                openId.get())))).token();
        accessToken = Optional.of(token);
        return token;
    }

    private IdentityClient client(Optional<String> token) {
        MatrixHttpClient core = new MatrixHttpClient(baseUrl, http, RetryPolicy.none());
        token.ifPresent(core::accessToken);
        return new IdentityClient(core);
    }
}
