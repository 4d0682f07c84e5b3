package dev.mxspec.homeserver.federation;

import dev.mxspec.homeserver.core.FederationSettings;
import java.net.InetAddress;
import java.net.Socket;
import java.net.UnknownHostException;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.CertificateException;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;
import javax.net.ssl.X509TrustManager;

/**
 * TLS of federation: the listener's certificate and key, and the trust of outbound requests. An outbound
 * connection is checked against the name server discovery says the certificate must hold (the server name or its
 * delegate), not the address connected to, so one {@link SSLContext} is made per expected name.
 */
public final class FederationTls {

    private final X509TrustManager anchors;
    private final boolean skipChecks;
    private final Map<String, HttpClient> clients = new ConcurrentHashMap<>();

    private FederationTls(X509TrustManager anchors, boolean skipChecks) {
        this.anchors = anchors;
        this.skipChecks = skipChecks;
    }

    /** Outbound trust: the JDK's certificate authorities, those of {@code trusted_ca}, or none checked when so configured. */
    public static FederationTls outbound(FederationSettings settings) {
        return new FederationTls(anchors(settings.trustedCa().map(Path::of)), settings.skipCertificateChecks());
    }

    /** The listener's context: the chain of {@code tls_certificate} with the key of {@code tls_private_key}. */
    public static SSLContext listener(Path certificateFile, Path privateKeyFile) {
        List<X509Certificate> chain = PemFiles.certificates(certificateFile);
        PrivateKey key = PemFiles.privateKey(privateKeyFile);
        try {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            char[] password = new char[0];
            store.setKeyEntry("federation", key, password, chain.toArray(X509Certificate[]::new));
            KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            keys.init(store, password);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(keys.getKeyManagers(), null, null);
            return context;
        } catch (GeneralSecurityException | java.io.IOException e) {
            throw new IllegalArgumentException(certificateFile + ", " + privateKeyFile + ": the key does not fit the certificate: "
                    + e.getMessage(), e);
        }
    }

    /** Whether outbound certificates go unchecked (the {@code skip_certificate_checks} test setting). */
    public boolean skipsChecks() {
        return skipChecks;
    }

    /** A client context accepting only a chain to a trusted authority whose leaf certificate is valid for {@code expectedName}. */
    public SSLContext client(String expectedName) {
        try {
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, new TrustManager[] {new NameCheckingTrustManager(anchors, expectedName, skipChecks)}, null);
            return context;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("TLS is not available", e);
        }
    }

    /**
     * The HTTP client for connections whose certificate must be valid for {@code expectedName}, one per name. It
     * follows redirects ({@code NORMAL}: never from HTTPS to HTTP), for well-known lookups.
     */
    public HttpClient http(String expectedName) {
        return clients.computeIfAbsent(expectedName, name -> HttpClient.newBuilder()
                .sslContext(client(name))
                .connectTimeout(Duration.ofSeconds(10))
                .followRedirects(HttpClient.Redirect.NORMAL)
                .build());
    }

    private static X509TrustManager anchors(Optional<Path> extraCa) {
        try {
            List<X509Certificate> roots = new ArrayList<>(List.of(defaultManager(null).getAcceptedIssuers()));
            extraCa.ifPresent(file -> roots.addAll(PemFiles.certificates(file)));
            KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
            store.load(null, null);
            for (int i = 0; i < roots.size(); i++) {
                store.setCertificateEntry("ca" + i, roots.get(i));
            }
            return defaultManager(store);
        } catch (GeneralSecurityException | java.io.IOException e) {
            throw new IllegalStateException("cannot load the trusted certificate authorities", e);
        }
    }

    private static X509TrustManager defaultManager(KeyStore store) throws GeneralSecurityException {
        TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        factory.init(store);
        for (TrustManager manager : factory.getTrustManagers()) {
            if (manager instanceof X509TrustManager x509) {
                return x509;
            }
        }
        throw new IllegalStateException("no X.509 trust manager");
    }

    /** Whether {@code certificate} names {@code name} (a DNS name, wildcards in the leftmost label, or an IP address) in its SANs. */
    static boolean matches(X509Certificate certificate, String name) {
        Collection<List<?>> names;
        try {
            names = certificate.getSubjectAlternativeNames();
        } catch (CertificateParsingException e) {
            return false;
        }
        if (names == null) {
            return false;
        }
        Optional<InetAddress> ip = ipLiteral(name);
        for (List<?> entry : names) {
            int type = (Integer) entry.get(0);
            String value = String.valueOf(entry.get(1));
            if (ip.isPresent() && type == 7 && ipLiteral(value).equals(ip)) {
                return true;
            }
            if (ip.isEmpty() && type == 2 && dnsMatches(value.toLowerCase(Locale.ROOT), name.toLowerCase(Locale.ROOT))) {
                return true;
            }
        }
        return false;
    }

    private static boolean dnsMatches(String pattern, String name) {
        if (pattern.startsWith("*.")) {
            int dot = name.indexOf('.');
            return dot > 0 && name.substring(dot).equals(pattern.substring(1));
        }
        return pattern.equals(name);
    }

    /** The address of an IPv4 or IPv6 literal (brackets allowed), without any DNS lookup. */
    static Optional<InetAddress> ipLiteral(String host) {
        String h = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
        boolean v4 = h.matches("[0-9]{1,3}(\\.[0-9]{1,3}){3}");
        boolean v6 = h.contains(":") && h.matches("[0-9A-Fa-f:.]+");
        if (!v4 && !v6) {
            return Optional.empty();
        }
        try {
            return Optional.of(InetAddress.getByName(h)); // a literal: parsed, not looked up
        } catch (UnknownHostException e) {
            return Optional.empty();
        }
    }

    /** Checks the chain against the trusted authorities, then the leaf against the expected name (not the host connected to). */
    private static final class NameCheckingTrustManager extends X509ExtendedTrustManager {

        private final X509TrustManager anchors;
        private final String expectedName;
        private final boolean skipChecks;

        NameCheckingTrustManager(X509TrustManager anchors, String expectedName, boolean skipChecks) {
            this.anchors = anchors;
            this.expectedName = expectedName;
            this.skipChecks = skipChecks;
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            if (skipChecks) {
                return;
            }
            anchors.checkServerTrusted(chain, authType);
            if (chain.length == 0 || !matches(chain[0], expectedName)) {
                throw new CertificateException("the certificate is not valid for " + expectedName);
            }
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
            checkServerTrusted(chain, authType);
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
            checkServerTrusted(chain, authType);
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            throw new CertificateException("not a server");
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
            throw new CertificateException("not a server");
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
            throw new CertificateException("not a server");
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return anchors.getAcceptedIssuers();
        }
    }
}
