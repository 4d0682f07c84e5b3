package dev.mxspec.homeserver.services;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mxspec.homeserver.core.StreamCounter;
import dev.mxspec.homeserver.storage.PusherStore;
import dev.mxspec.homeserver.storage.Records.Pusher;
import dev.mxspec.runtime.api.ErrorCodes;
import dev.mxspec.runtime.api.MatrixException;
import dev.mxspec.runtime.json.MatrixJson;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.function.LongSupplier;

/**
 * A user's pushers ({@code GET /pushers}, {@code POST /pushers/set}): added, replaced (same app ID
 * and pushkey), removed with {@code kind: null}, and taken from other users unless {@code append}
 * is set. Only the {@code http} kind is offered: its {@code data.url} must be an http(s) URL whose
 * path is {@code /_matrix/push/v1/notify}, as the spec requires, on a public address unless the
 * configuration allows private ones. A new pusher delivers notifications from the time it was
 * set, not older ones; {@link PushDelivery} hears of every change.
 */
public final class Pushers {

    /** The push gateway path the spec requires of {@code data.url}. */
    public static final String NOTIFY_PATH = "/_matrix/push/v1/notify";
    private static final int MAX_PUSHKEY_BYTES = 512;
    private static final int MAX_APP_ID = 64;

    /** A pusher's fields as {@code POST /pushers/set} gives them. */
    public record Request(String pushkey, Optional<String> kind, String appId, Optional<String> appDisplayName,
            Optional<String> deviceDisplayName, Optional<String> profileTag, Optional<String> lang, Optional<JsonNode> data, boolean append) {}

    private final PusherStore store;
    private final StreamCounter stream;
    private final LongSupplier clock;
    private final boolean allowPrivateGateways;
    private volatile java.util.function.Consumer<String> changed = user -> { };

    public Pushers(PusherStore store, StreamCounter stream, LongSupplier clock, boolean allowPrivateGateways) {
        this.store = store;
        this.stream = stream;
        this.clock = clock;
        this.allowPrivateGateways = allowPrivateGateways;
    }

    /** Who hears that a user's pushers changed. */
    public void onChange(java.util.function.Consumer<String> listener) {
        this.changed = listener;
    }

    public List<Pusher> list(String userId) {
        return store.pushers(userId);
    }

    /** Sets or removes a pusher of {@code userId}, set from {@code deviceId}. */
    public void set(String userId, Optional<String> deviceId, Request r) {
        if (r.pushkey().getBytes(StandardCharsets.UTF_8).length > MAX_PUSHKEY_BYTES) {
            throw new MatrixException(400, ErrorCodes.M_INVALID_PARAM, "pushkey is longer than " + MAX_PUSHKEY_BYTES + " bytes");
        }
        if (r.appId().length() > MAX_APP_ID || r.appId().isEmpty()) {
            throw new MatrixException(400, ErrorCodes.M_INVALID_PARAM, "app_id must have 1 to " + MAX_APP_ID + " characters");
        }
        if (r.kind().isEmpty()) {
            store.deletePusher(r.appId(), r.pushkey(), userId);
            changed.accept(userId);
            return;
        }
        if (!r.kind().get().equals("http")) {
            throw new MatrixException(400, ErrorCodes.M_INVALID_PARAM, "pusher kind '" + r.kind().get() + "' is not offered: only 'http'");
        }
        String appName = required(r.appDisplayName(), "app_display_name");
        String deviceName = required(r.deviceDisplayName(), "device_display_name");
        String lang = required(r.lang(), "lang");
        JsonNode data = r.data().orElseThrow(() -> new MatrixException(400, ErrorCodes.M_MISSING_PARAM, "an http pusher needs data"));
        if (!(data instanceof ObjectNode)) {
            throw new MatrixException(400, ErrorCodes.M_INVALID_PARAM, "data must be an object");
        }
        gateway(data);
        if (data.has("format") && !data.get("format").isTextual()) {
            throw new MatrixException(400, ErrorCodes.M_INVALID_PARAM, "data.format must be a string");
        }
        Optional<Pusher> existing = store.pusher(r.appId(), r.pushkey(), userId);
        long from = existing.map(Pusher::lastStreamPos).orElse(stream.current());
        store.savePusher(new Pusher(userId, r.appId(), r.pushkey(), "http", appName, deviceName, r.profileTag(), lang, MatrixJson.write(data),
                deviceId, existing.map(Pusher::pushkeyTs).orElse(clock.getAsLong()), from, Optional.empty()));
        if (!r.append()) {
            store.deleteOtherUsersPushers(r.appId(), r.pushkey(), userId);
        }
        changed.accept(userId);
    }

    /**
     * The push gateway of a pusher's data: {@code url} an absolute http(s) URL with the notify path and
     * no user info, query or fragment, on an address this server may send to.
     */
    public URI gateway(JsonNode data) {
        URI uri = gatewayUrl(data);
        if (!allowPrivateGateways) {
            requirePublic(uri.getHost());
        }
        return uri;
    }

    /**
     * The push gateway URL of a pusher's data, its form checked only: at delivery the addresses are checked as the
     * gateway is connected to ({@link #permitted}), which a lookup made here could not keep from changing.
     */
    public URI gatewayUrl(JsonNode data) {
        JsonNode url = data.path("url");
        if (!url.isTextual()) {
            throw new MatrixException(400, ErrorCodes.M_INVALID_PARAM, "an http pusher needs data.url, the push gateway's URL");
        }
        URI uri;
        try {
            uri = new URI(url.asText());
        } catch (java.net.URISyntaxException e) {
            throw new MatrixException(400, ErrorCodes.M_INVALID_PARAM, "data.url is not a URL: " + e.getMessage());
        }
        if (!"https".equals(uri.getScheme()) && !"http".equals(uri.getScheme()) || uri.getHost() == null || uri.getRawUserInfo() != null
                || uri.getRawQuery() != null || uri.getRawFragment() != null || !NOTIFY_PATH.equals(uri.getRawPath())) {
            throw new MatrixException(400, ErrorCodes.M_INVALID_PARAM,
                    "data.url must be an http(s) URL with the path " + NOTIFY_PATH + " and no query");
        }
        return uri;
    }

    /** Refuses a host that is, or resolves to, a loopback, private, link-local or otherwise non-public address. */
    private static void requirePublic(String host) {
        InetAddress[] addresses;
        try {
            addresses = InetAddress.getAllByName(host.startsWith("[") ? host.substring(1, host.length() - 1) : host);
        } catch (UnknownHostException e) {
            throw new MatrixException(400, ErrorCodes.M_INVALID_PARAM, "the push gateway's host " + host + " is unknown");
        }
        for (InetAddress a : addresses) {
            if (!isPublic(a)) {
                throw new MatrixException(400, ErrorCodes.M_INVALID_PARAM,
                        "the push gateway's host " + host + " is not on a public address, which this server does not send to");
            }
        }
    }

    /** Whether notifications may be sent to a gateway at this address: a public one, or any with {@code allow_private_gateways}. */
    public boolean permitted(InetAddress a) {
        return allowPrivateGateways || isPublic(a);
    }

    static boolean isPublic(InetAddress a) {
        if (a.isLoopbackAddress() || a.isAnyLocalAddress() || a.isLinkLocalAddress() || a.isSiteLocalAddress() || a.isMulticastAddress()) {
            return false;
        }
        byte[] b = a.getAddress();
        if (b.length == 4) {
            int first = b[0] & 0xff;
            int second = b[1] & 0xff;
            return !(first == 0 || first == 100 && second >= 64 && second < 128 || first == 192 && second == 0 || first >= 224
                    || first == 198 && (second == 18 || second == 19));
        }
        return (b[0] & 0xfe) != 0xfc; // IPv6 unique local addresses (fc00::/7)
    }

    private static String required(Optional<String> value, String name) {
        return value.orElseThrow(() -> new MatrixException(400, ErrorCodes.M_MISSING_PARAM, "an http pusher needs " + name));
    }
}
