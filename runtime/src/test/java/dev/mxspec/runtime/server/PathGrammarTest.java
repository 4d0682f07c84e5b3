package dev.mxspec.runtime.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mxspec.runtime.api.MatrixException;
import org.junit.jupiter.api.Test;

class PathGrammarTest {

    @Test
    void identifiersOfEveryKindThatFitTheirGrammarPass() {
        assertThat(PathGrammar.problem("userId", "@alice:example.org")).isEmpty();
        assertThat(PathGrammar.problem("userId", "@Old_Style!#$%&'()*+,/;<=>?[]^`{|}~:example.org")).as("historical localparts").isEmpty();
        assertThat(PathGrammar.problem("userId", "@a:[1234:5678::abcd]:8448")).isEmpty();
        assertThat(PathGrammar.problem("userId", "@a:1.2.3.4:8448")).isEmpty();
        assertThat(PathGrammar.problem("roomId", "!opaque/with+chars:localhost")).isEmpty();
        assertThat(PathGrammar.problem("roomAlias", "#room:example.org:8448")).isEmpty();
        assertThat(PathGrammar.problem("roomIdOrAlias", "#room:example.org")).isEmpty();
        assertThat(PathGrammar.problem("roomIdOrAlias", "!room:example.org")).isEmpty();
        assertThat(PathGrammar.problem("eventId", "$acR1l0raoZnm60CBwAVgqbZqoO/mYU81xysh1u7XcJk")).as("room v3 base64").isEmpty();
        assertThat(PathGrammar.problem("eventId", "$Rqnc-F-dvnEYJTyHq_iKxU2bZ1CI92-kuZq3a5lr5Zg")).as("room v4 url-safe").isEmpty();
        assertThat(PathGrammar.problem("eventId", "$1234:example.org")).as("room v1").isEmpty();
        assertThat(PathGrammar.problem("serverName", "matrix.org")).isEmpty();
        assertThat(PathGrammar.problem("serverName", "[::1]")).isEmpty();
        assertThat(PathGrammar.problem("mediaId", "ABCdef_123-x")).isEmpty();
        assertThat(PathGrammar.problem("stateKey", "")).isEmpty();
        assertThat(PathGrammar.problem("txnId", "..")).as("free text is free").isEmpty();
    }

    @Test
    void malformedIdentifiersAreRefused() {
        assertThat(PathGrammar.problem("userId", "!alice:example.org")).contains("not a user ID (@...:server)");
        assertThat(PathGrammar.problem("userId", "@alice")).contains("not a user ID: no server name");
        assertThat(PathGrammar.problem("userId", "@:example.org")).contains("not a user ID: bad localpart");
        assertThat(PathGrammar.problem("userId", "@al ice:example.org")).contains("not a user ID: bad localpart");
        assertThat(PathGrammar.problem("userId", "@alicé:example.org")).contains("not a user ID: bad localpart");
        assertThat(PathGrammar.problem("userId", "@alice:")).contains("not a user ID: bad server name");
        assertThat(PathGrammar.problem("userId", "@alice:exa_mple.org")).contains("not a user ID: bad server name");
        assertThat(PathGrammar.problem("userId", "@alice:example.org:123456")).contains("not a user ID: bad server name");
        assertThat(PathGrammar.problem("userId", "..")).contains("not a user ID (@...:server)");
        assertThat(PathGrammar.problem("roomId", "#room:example.org")).contains("not a room ID (!...:server)");
        assertThat(PathGrammar.problem("roomId", "!room")).contains("not a room ID: no server name");
        assertThat(PathGrammar.problem("roomAlias", "!room:example.org")).contains("not a room alias (#...:server)");
        assertThat(PathGrammar.problem("roomIdOrAlias", "@room:example.org")).contains("not a room ID or alias (!...:server)");
        assertThat(PathGrammar.problem("eventId", "abc")).contains("not an event ID ($...)");
        assertThat(PathGrammar.problem("eventId", "$")).contains("not an event ID ($...)");
        assertThat(PathGrammar.problem("serverName", "a..b")).contains("not a server name");
        assertThat(PathGrammar.problem("serverName", "..")).contains("not a server name");
        assertThat(PathGrammar.problem("serverName", "[zz]")).contains("not a server name");
        assertThat(PathGrammar.problem("serverName", "[::1")).contains("not a server name");
        assertThat(PathGrammar.problem("mediaId", "../../etc/passwd")).contains("not a media ID");
    }

    @Test
    void everyParameterIsRefusedWhenTooLongOrHoldingControlCharacters() {
        for (String name : new String[] {"userId", "eventType", "txnId", "stateKey"}) {
            String prefix = name.equals("userId") ? "@a" : "a";
            assertThat(PathGrammar.problem(name, prefix + "\u0000b:x")).as(name).contains("contains a control character");
            assertThat(PathGrammar.problem(name, prefix + "\r\nb:x")).as(name).contains("contains a control character");
            assertThat(PathGrammar.problem(name, prefix + "\u007fb:x")).as(name).contains("contains a control character");
            assertThat(PathGrammar.problem(name, prefix + "a".repeat(300) + ":x")).as(name).contains("longer than 255 bytes");
            assertThat(PathGrammar.problem(name, prefix + "é".repeat(127) + ":x")).as(name + ", bytes not characters")
                    .contains("longer than 255 bytes");
        }
        String longest = "@" + "a".repeat(PathGrammar.MAX_BYTES - "@:x".length()) + ":x";
        assertThat(PathGrammar.problem("userId", longest)).isEmpty();
        assertThat(PathGrammar.problem("userId", "@a" + longest.substring(1))).contains("longer than 255 bytes");
    }

    @Test
    void checkAnswersInvalidParam() {
        assertThatThrownBy(() -> PathGrammar.check("roomId", "room"))
                .isInstanceOfSatisfying(MatrixException.class, e -> {
                    assertThat(e.status()).isEqualTo(400);
                    assertThat(e.errcode()).isEqualTo("M_INVALID_PARAM");
                    assertThat(e.error()).isEqualTo("parameter 'roomId': not a room ID (!...:server)");
                });
    }
}
