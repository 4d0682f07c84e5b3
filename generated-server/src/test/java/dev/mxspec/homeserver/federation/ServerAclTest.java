package dev.mxspec.homeserver.federation;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mxspec.runtime.json.MatrixJson;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** The rules of an {@code m.room.server_acl} event, in the spec's order. */
class ServerAclTest {

    private static ServerAcl acl(String content) throws Exception {
        return ServerAcl.of(MatrixJson.mapper().readTree(content));
    }

    /** Which of {@code servers} {@code acl} allows, server by server. */
    private static Map<String, Boolean> verdicts(ServerAcl acl, String... servers) {
        Map<String, Boolean> out = new TreeMap<>();
        for (String s : servers) {
            out.put(s, acl.allows(s));
        }
        return out;
    }

    @Test
    void globsMatchAnyRunWithStarAndOneCharacterWithQuestionMark() {
        assertThat(ServerAcl.matches("*", "")).isTrue();
        assertThat(ServerAcl.matches("*.evil.com", "a.b.evil.com")).isTrue();
        assertThat(ServerAcl.matches("*.evil.com", "evil.com")).isFalse();
        assertThat(ServerAcl.matches("evil?.com", "evil1.com")).isTrue();
        assertThat(ServerAcl.matches("evil?.com", "evil.com")).isFalse();
        assertThat(ServerAcl.matches("evil?.com", "evil12.com")).isFalse();
        assertThat(ServerAcl.matches("a*b*c", "aXbYbZc")).isTrue();
        assertThat(ServerAcl.matches("a*b*c", "aXbYbZ")).isFalse();
        assertThat(ServerAcl.matches("**?", "x")).isTrue();
        assertThat(ServerAcl.matches("evil.com", "evil.com.au")).isFalse();
    }

    @Test
    void denyWinsOverAllowAndTheRestIsDenied() throws Exception {
        ServerAcl acl = acl("{\"allow\":[\"*.good.org\",\"evil.good.org\",\"friend.net\"],\"deny\":[\"evil.*\"]}");
        assertThat(verdicts(acl, "a.good.org", "evil.good.org", "friend.net", "stranger.net", "good.org")).isEqualTo(Map.of(
                "a.good.org", true, "evil.good.org", false, "friend.net", true, "stranger.net", false, "good.org", false));
    }

    @Test
    void thePortOfTheServerIsNotConsidered() throws Exception {
        ServerAcl acl = acl("{\"allow\":[\"*\"],\"deny\":[\"evil.com\"]}");
        assertThat(verdicts(acl, "evil.com", "evil.com:8448", "evil.com:1234", "fine.com:8448")).isEqualTo(Map.of(
                "evil.com", false, "evil.com:8448", false, "evil.com:1234", false, "fine.com:8448", true));
        assertThat(acl("{\"allow\":[\"fine.com:8448\"]}").allows("fine.com:8448")).isFalse();
    }

    @Test
    void serverNamesAreComparedCaseSensitively() throws Exception {
        ServerAcl acl = acl("{\"allow\":[\"*\"],\"deny\":[\"evil.com\"]}");
        assertThat(verdicts(acl, "evil.com", "EVIL.com")).isEqualTo(Map.of("evil.com", false, "EVIL.com", true));
    }

    @Test
    void ipLiteralsAreDeniedWhenAllowIpLiteralsIsFalse() throws Exception {
        String[] servers = {"1.2.3.4", "1.2.3.4:8448", "[2001:db8::1]", "[2001:db8::1]:8448", "example.com"};
        assertThat(verdicts(acl("{\"allow\":[\"*\"],\"allow_ip_literals\":false}"), servers)).isEqualTo(Map.of(
                "1.2.3.4", false, "1.2.3.4:8448", false, "[2001:db8::1]", false, "[2001:db8::1]:8448", false, "example.com", true));
        assertThat(verdicts(acl("{\"allow\":[\"*\"],\"allow_ip_literals\":true}"), servers).values()).containsOnly(true);
        assertThat(verdicts(acl("{\"allow\":[\"*\"]}"), servers).values()).containsOnly(true);
    }

    @Test
    void ipLiteralsMatchGlobsWithTheirBracketsAndWithoutTheirPort() throws Exception {
        ServerAcl acl = acl("{\"allow\":[\"*\"],\"deny\":[\"1.2.3.*\",\"[2001:db8::*]\"]}");
        assertThat(verdicts(acl, "1.2.3.4:8448", "1.2.4.4", "[2001:db8::1]:8448", "[2001:db9::1]")).isEqualTo(Map.of(
                "1.2.3.4:8448", false, "1.2.4.4", true, "[2001:db8::1]:8448", false, "[2001:db9::1]", true));
    }

    @Test
    void anEmptyOrMissingAllowDeniesEveryServer() throws Exception {
        assertThat(acl("{}").allows("example.com")).isFalse();
        assertThat(acl("{\"allow\":[]}").allows("example.com")).isFalse();
        assertThat(acl("{\"deny\":[\"evil.com\"]}").allows("example.com")).isFalse();
    }

    @Test
    void contentOfTheWrongShapeReadsAsTheDefaults() throws Exception {
        ServerAcl acl = acl("{\"allow\":[\"*\",7,null,{}],\"deny\":\"evil.com\",\"allow_ip_literals\":\"no\"}");
        assertThat(acl).isEqualTo(new ServerAcl(List.of("*"), List.of(), true));
        assertThat(verdicts(acl, "evil.com", "1.2.3.4")).isEqualTo(Map.of("evil.com", true, "1.2.3.4", true));
        JsonNode notAnObject = MatrixJson.mapper().readTree("[\"*\"]");
        assertThat(ServerAcl.of(notAnObject)).isEqualTo(new ServerAcl(List.of(), List.of(), true));
        assertThat(acl("{\"allow\":\"*\"}").allows("example.com")).isFalse();
    }

    @Test
    void aNameThatIsNoServerNameIsDenied() throws Exception {
        assertThat(acl("{\"allow\":[\"*\"]}").allows("not a server")).isFalse();
    }
}
