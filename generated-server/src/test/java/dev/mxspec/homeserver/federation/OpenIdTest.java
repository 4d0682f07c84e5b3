package dev.mxspec.homeserver.federation;

import static dev.mxspec.homeserver.federation.FederatedPublicRoomsTest.assertError;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mxspec.homeserver.services.OpenIdTokens;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * OpenID: a user asks his server for a token ({@code /user/{userId}/openid/request_token}), and a third party asks the
 * server whose it is ({@code /_matrix/federation/v1/openid/userinfo}, not signed with X-Matrix) until it expires.
 */
class OpenIdTest extends TwoFederatingServers {

    @ParameterizedTest
    @ValueSource(strings = {"sqlite", "postgresql"})
    void aTokenNamesItsUserUntilItExpires(String backend) throws Exception {
        a = start(backend, "a");
        String nameA = FederationServers.name(a);
        String alice = api.register(a, "alice");
        String bob = api.register(a, "bob");

        JsonNode credentials = api.call(a, "POST", "/user/" + ClientApi.enc("@alice:" + nameA) + "/openid/request_token", alice, "{}");
        assertThat(credentials.path("token_type").asText()).isEqualTo("Bearer");
        assertThat(credentials.path("matrix_server_name").asText()).isEqualTo(nameA);
        assertThat(credentials.path("expires_in").asLong()).isEqualTo(3600);
        String token = credentials.path("access_token").asText();
        assertThat(token).hasSizeGreaterThanOrEqualTo(32);
        JsonNode second = api.call(a, "POST", "/user/" + ClientApi.enc("@alice:" + nameA) + "/openid/request_token", alice, "{}");
        assertThat(second.path("access_token").asText()).isNotEqualTo(token);

        var info = unsigned(a, "GET", "/_matrix/federation/v1/openid/userinfo?access_token=" + ClientApi.enc(token), null);
        assertThat(info.statusCode()).as(info.body()).isEqualTo(200);
        assertThat(ClientApi.json(info).path("sub").asText()).isEqualTo("@alice:" + nameA);

        // a token of another user, a forged one, an expired one
        assertError(api.raw(a, "POST", "/user/" + ClientApi.enc("@alice:" + nameA) + "/openid/request_token", bob, "{}"), 403, "M_FORBIDDEN");
        assertError(api.raw(a, "POST", "/user/" + ClientApi.enc("@alice:" + nameA) + "/openid/request_token", null, "{}"), 401,
                "M_MISSING_TOKEN");
        assertError(api.raw(a, "POST", "/user/" + ClientApi.enc("@alice:" + nameA) + "/openid/request_token", alice, "null"), 400,
                "M_NOT_JSON", "M_BAD_JSON");
        assertError(api.raw(a, "POST", "/user/" + ClientApi.enc("@alice:" + nameA) + "/openid/request_token", alice, "{"), 400,
                "M_NOT_JSON");
        assertError(unsigned(a, "GET", "/_matrix/federation/v1/openid/userinfo?access_token=" + ClientApi.enc(token + "x"), null), 401,
                "M_UNKNOWN_TOKEN");
        assertError(unsigned(a, "GET", "/_matrix/federation/v1/openid/userinfo", null), 400, "M_MISSING_PARAM");
        String expired = new OpenIdTokens(a.storage(), () -> System.currentTimeMillis() - 2 * OpenIdTokens.LIFETIME_MS).issue("@alice:" + nameA)
                .token();
        assertError(unsigned(a, "GET", "/_matrix/federation/v1/openid/userinfo?access_token=" + ClientApi.enc(expired), null), 401,
                "M_UNKNOWN_TOKEN");
    }
}
