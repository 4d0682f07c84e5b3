package dev.mxspec.homeserver.main;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mxspec.runtime.json.MatrixJson;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A client validating an email address with a test server, as a person would: {@code requestToken}, the code in the mail
 * the test SMTP server received, the code submitted to {@code submit_url}.
 */
final class ThreepidValidation {

    private static final Pattern CODE = Pattern.compile("enter this code where you were asked for it: ([0-9a-f]+)");

    private final JsonHttp http;
    private final TestSmtpServer smtp;
    private final HttpClient raw = HttpClient.newHttpClient();

    ThreepidValidation(JsonHttp http, TestSmtpServer smtp) {
        this.http = http;
        this.smtp = smtp;
    }

    /** {@code POST path} (below {@code /_matrix/client/v3}) for {@code email}. */
    JsonHttp.Reply requestToken(String path, String secret, String email, int attempt) throws Exception {
        return http.call("POST", path, null, "{\"client_secret\":\"" + secret + "\",\"email\":\"" + email + "\",\"send_attempt\":" + attempt + "}");
    }

    static String code(TestSmtpServer.Mail mail) {
        Matcher m = CODE.matcher(mail.text());
        assertThat(m.find()).as(mail.text()).isTrue();
        return m.group(1);
    }

    /** Submits {@code token} to the server's {@code submit_url}. */
    JsonHttp.Reply submit(String sid, String secret, String token) throws Exception {
        HttpResponse<String> r = raw.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + http.port()
                + "/_matrix/client/unstable/add_threepid/email/submit_token")).POST(HttpRequest.BodyPublishers.ofString(
                "{\"sid\":\"" + sid + "\",\"client_secret\":\"" + secret + "\",\"token\":\"" + token + "\"}")).build(),
                HttpResponse.BodyHandlers.ofString());
        return new JsonHttp.Reply(r.statusCode(), MatrixJson.mapper().readTree(r.body()));
    }

    /** A session of {@code path} whose mail was received but whose code was not submitted: its sid and the code. */
    String[] mailed(String path, String secret, String email) throws Exception {
        JsonHttp.Reply requested = requestToken(path, secret, email, 1);
        assertThat(requested.status()).as(requested.body().toString()).isEqualTo(200);
        TestSmtpServer.Mail mail = smtp.next();
        assertThat(mail.to()).containsExactly(email.toLowerCase(java.util.Locale.ROOT));
        return new String[] {requested.body().path("sid").asText(), code(mail)};
    }

    /** A session of {@code path} validated with the code of its mail: its sid. */
    String validated(String path, String secret, String email) throws Exception {
        String[] mailed = mailed(path, secret, email);
        JsonHttp.Reply submitted = submit(mailed[0], secret, mailed[1]);
        assertThat(submitted.status()).as(submitted.body().toString()).isEqualTo(200);
        return mailed[0];
    }
}
