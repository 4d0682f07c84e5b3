package dev.mxspec.homeserver.appservice;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mxspec.homeserver.core.ServerConfig;
import dev.mxspec.homeserver.main.Homeserver;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Registration files as bridges ship them: read, and refused with the file and the field named when broken. */
class RegistrationFilesTest {

    static final String IRC = """
            id: "IRC Bridge"
            url: "http://127.0.0.1:1234"
            as_token: "30c05ae90a248a4188e620216fa72e349803310ec83e2a77b34fe90be6081f46"
            hs_token: "312df522183efd404ec1cd22d2ffa4bbc76a8c1ccf541dd692eef281356bb74e"
            sender_localpart: "_irc_bot" # Will result in @_irc_bot:example.org
            namespaces:
              users:
                - exclusive: true
                  regex: "@_irc_bridge_.*"
              aliases:
                - exclusive: false
                  regex: "#_irc_bridge_.*"
              rooms: []
            """;

    @TempDir
    Path dir;

    @Test
    void theSpecsExampleIsReadWithItsNamespaces() throws Exception {
        Registration r = RegistrationFiles.read(Files.writeString(dir.resolve("irc.yaml"), IRC), "example.org");

        assertThat(r.id()).isEqualTo("IRC Bridge");
        assertThat(r.url()).contains(URI.create("http://127.0.0.1:1234"));
        assertThat(r.senderUserId()).isEqualTo("@_irc_bot:example.org");
        assertThat(r.rateLimited()).isTrue();
        assertThat(r.protocols()).isEmpty();
        assertThat(r.mayActAs("@_irc_bridge_alice:example.org")).isTrue();
        assertThat(r.mayActAs("@_irc_bot:example.org")).isTrue();
        assertThat(r.mayActAs("@alice:example.org")).isFalse();
        assertThat(r.claimsUser("@_irc_bridge_alice:example.org")).isTrue();
        assertThat(r.claimsUser("@alice:example.org")).isFalse();
        assertThat(r.aliasInNamespace("#_irc_bridge_matrix:example.org")).isTrue();
        assertThat(r.claimsAlias("#_irc_bridge_matrix:example.org")).as("a non-exclusive alias namespace").isFalse();
        assertThat(r.roomInNamespace("!abc:example.org")).isFalse();
        assertThat(r.toString()).doesNotContain("30c05ae9").doesNotContain("312df522");
    }

    @Test
    void aNullUrlRateLimitsAndProtocolsAreRead() throws Exception {
        Registration r = RegistrationFiles.read(Files.writeString(dir.resolve("bot.yaml"), """
                id: bot
                url: null
                as_token: a
                hs_token: h
                sender_localpart: bot
                rate_limited: false
                protocols: [irc, gitter]
                namespaces: {users: [{exclusive: false, regex: "@bot_[0-9]+:example\\\\.org"}]}
                """), "example.org");

        assertThat(r.url()).isEmpty();
        assertThat(r.rateLimited()).isFalse();
        assertThat(r.protocols()).containsExactly("irc", "gitter");
        assertThat(r.userInNamespace("@bot_12:example.org")).isTrue();
        assertThat(r.userInNamespace("@bot_x:example.org")).isFalse();
        assertThat(r.claimsUser("@bot_12:example.org")).as("not exclusive").isFalse();
        assertThat(r.claimsUser("@bot:example.org")).as("the sender belongs to its service").isTrue();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "id: ''|id|expected a non-empty string",
            "id: [a]|id|expected a non-empty string",
            "as_token: null|as_token|missing",
            "hs_token: 7|hs_token|expected a non-empty string",
            "hs_token: A|hs_token|must differ from as_token",
            "url: ftp://x|url|is not an http or https URL",
            "url: 'http//x'|url|is not an http or https URL",
            "sender_localpart: Bot|sender_localpart|not a user ID localpart",
            "rate_limited: maybe|rate_limited|expected true or false",
            "protocols: irc|protocols|expected a list",
            "namespaces: []|namespaces|expected a mapping",
            "namespaces: {users: {regex: x}}|namespaces.users|expected a list",
            "namespaces: {users: [{regex: '@a.*'}]}|namespaces.users[0].exclusive|missing",
            "namespaces: {users: [{exclusive: 'yes', regex: '@a.*'}]}|namespaces.users[0].exclusive|expected true or false",
            "namespaces: {aliases: [{exclusive: true}]}|namespaces.aliases[0].regex|missing",
            "namespaces: {rooms: [{exclusive: true, regex: '!(a'}]}|namespaces.rooms[0].regex|not a valid regular expression",
    })
    void aBrokenFieldIsNamedWithItsFile(String override, String field, String problem) throws Exception {
        String key = override.substring(0, override.indexOf(':'));
        StringBuilder yaml = new StringBuilder();
        for (String line : List.of("id: svc", "url: http://127.0.0.1:9000", "as_token: A", "hs_token: H", "sender_localpart: svc",
                "namespaces: {users: []}")) {
            yaml.append(line.startsWith(key + ":") ? override : line).append('\n');
        }
        if (yaml.indexOf(override) < 0) {
            yaml.append(override).append('\n');
        }
        Path file = Files.writeString(dir.resolve("svc.yaml"), yaml);

        assertThatThrownBy(() -> RegistrationFiles.read(file, "example.org")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith(file + ": field '" + field + "': ").hasMessageContaining(problem);
    }

    @Test
    void missingFieldsAndFilesThatAreNoRegistrationAreNamed() throws Exception {
        Path noUrl = Files.writeString(dir.resolve("nourl.yaml"), "id: a\nas_token: a\nhs_token: h\nsender_localpart: a\nnamespaces: {}\n");
        Path noNamespaces = Files.writeString(dir.resolve("nons.yaml"), "id: a\nurl: null\nas_token: a\nhs_token: h\nsender_localpart: a\n");
        Path list = Files.writeString(dir.resolve("list.yaml"), "- id: a\n");
        Path garbled = Files.writeString(dir.resolve("garbled.yaml"), "id: [a\n");

        assertThatThrownBy(() -> RegistrationFiles.read(noUrl, "hs")).hasMessage(noUrl + ": field 'url': missing (write 'url: null' for a service that needs no traffic)");
        assertThatThrownBy(() -> RegistrationFiles.read(noNamespaces, "hs")).hasMessageStartingWith(noNamespaces + ": field 'namespaces': missing");
        assertThatThrownBy(() -> RegistrationFiles.read(list, "hs")).hasMessageStartingWith(list + ": not a registration");
        assertThatThrownBy(() -> RegistrationFiles.read(garbled, "hs")).hasMessageStartingWith(garbled + ": not a readable registration file");
        assertThatThrownBy(() -> RegistrationFiles.read(dir.resolve("absent.yaml"), "hs")).hasMessageStartingWith(dir.resolve("absent.yaml")
                + ": not a readable registration file");
    }

    @Test
    void twoServicesMayShareNeitherIdNorAsToken() throws Exception {
        Path a = Files.writeString(dir.resolve("a.yaml"), "id: a\nurl: null\nas_token: ta\nhs_token: ha\nsender_localpart: a\nnamespaces: {}\n");
        Path sameId = Files.writeString(dir.resolve("b.yaml"), "id: a\nurl: null\nas_token: tb\nhs_token: hb\nsender_localpart: b\nnamespaces: {}\n");
        Path sameToken = Files.writeString(dir.resolve("c.yaml"), "id: c\nurl: null\nas_token: ta\nhs_token: hc\nsender_localpart: c\nnamespaces: {}\n");
        Path other = Files.writeString(dir.resolve("d.yaml"), "id: d\nurl: null\nas_token: td\nhs_token: hd\nsender_localpart: d\nnamespaces: {}\n");

        assertThatThrownBy(() -> RegistrationFiles.load(List.of(a, sameId), "hs")).hasMessage(sameId + ": field 'id': 'a' is also the id of " + a);
        assertThatThrownBy(() -> RegistrationFiles.load(List.of(a, sameToken), "hs")).hasMessageStartingWith(sameToken + ": field 'as_token': ")
                .hasMessageNotContaining("ta");
        Registrations both = RegistrationFiles.load(List.of(a, other), "hs");
        assertThat(both.byAsToken("ta").map(Registration::id)).contains("a");
        assertThat(both.byAsToken("td").map(Registration::id)).contains("d");
        assertThat(both.byAsToken("t")).isEmpty();
        assertThat(both.byAsToken(null)).isEmpty();
        assertThat(both.byId("d").map(Registration::file)).contains(other);
    }

    @Test
    void theHomeserverDoesNotStartWithABrokenFileAndSaysWhich() throws Exception {
        Path broken = Files.writeString(dir.resolve("bridge.yaml"), IRC.replace("exclusive: true", "exclusive: 1"));
        ServerConfig config = new ServerConfig("localhost", "127.0.0.1", -1, dir.resolve("data").toString(), "sqlite", Optional.empty(), true, 0, 0)
                .withAppServiceConfigFiles(List.of(broken.toString()));

        assertThatThrownBy(() -> Homeserver.start(config)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage(broken + ": field 'namespaces.users[0].exclusive': expected true or false, not 1");
        assertThat(dir.resolve("data")).doesNotExist();
    }

    @Test
    void theConfigurationKeyIsReadAndWritten() throws Exception {
        Path file = Files.writeString(dir.resolve("homeserver.yaml"), "app_service_config_files:\n  - /etc/mx/irc.yaml\n  - /etc/mx/slack.yaml\n");
        ServerConfig config = ServerConfig.read(file);

        assertThat(config.appServiceConfigFiles()).containsExactly("/etc/mx/irc.yaml", "/etc/mx/slack.yaml");
        assertThat(ServerConfig.read(Files.writeString(dir.resolve("again.yaml"), config.toYaml())).appServiceConfigFiles())
                .containsExactly("/etc/mx/irc.yaml", "/etc/mx/slack.yaml");
        assertThat(ServerConfig.defaults().toYaml()).contains("# app_service_config_files: [");
    }
}
