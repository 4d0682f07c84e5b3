package dev.mxspec.homeserver.http;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The request log's line: secrets in the query are replaced, everything else kept as sent. */
class RequestLogLineTest {

    @Test
    void aLineHoldsMethodPathQueryStatusAndMilliseconds() {
        assertThat(RequestLog.line("GET", "/_matrix/client/v3/sync", "since=s12&timeout=30000", 200, 31_250))
                .isEqualTo("GET /_matrix/client/v3/sync?since=s12&timeout=30000 200 31.3 ms");
        assertThat(RequestLog.line("OPTIONS", "/", null, 204, 90)).isEqualTo("OPTIONS / 204 0.1 ms");
    }

    @Test
    void tokenValuesAreRedactedHoweverTheirNameIsSpelled() {
        assertThat(RequestLog.redact("access_token=mxa_secret&since=s1")).isEqualTo("access_token=<redacted>&since=s1");
        assertThat(RequestLog.redact("since=s1&access%5Ftoken=mxa_secret")).isEqualTo("since=s1&access%5Ftoken=<redacted>");
        assertThat(RequestLog.redact("ACCESS_TOKEN=mxa_secret&access_token=mxa_other"))
                .isEqualTo("ACCESS_TOKEN=<redacted>&access_token=<redacted>");
        assertThat(RequestLog.redact("client_secret=s&sid=1&token=t&x")).isEqualTo("client_secret=<redacted>&sid=<redacted>&token=<redacted>&x");
    }
}
