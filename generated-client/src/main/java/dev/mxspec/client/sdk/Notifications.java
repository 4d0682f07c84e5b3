package dev.mxspec.client.sdk;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mxspec.runtime.json.MatrixJson;
import dev.mxspec.spec.v1_7.clientserver.GetNotificationsResponseNotifications;
import dev.mxspec.spec.v1_7.clientserver.NotificationEvent;
import dev.mxspec.spec.v1_7.clientserver.PostPusherRequest;
import dev.mxspec.spec.v1_7.clientserver.Pusher;
import dev.mxspec.spec.v1_7.clientserver.PusherData;
import dev.mxspec.spec.v1_7.clientserver.client.ClientServerClient;
import dev.mxspec.spec.v1_7.clientserver.endpoints.GetNotifications;
import dev.mxspec.spec.v1_7.clientserver.endpoints.GetPushers;
import dev.mxspec.spec.v1_7.clientserver.endpoints.PostPusher;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The user's notifications ({@code GET /notifications}: the events the push rules made notify,
 * newest first, page by page) and pushers ({@code GET /pushers}, {@code POST /pushers/set}: where
 * the homeserver sends them).
 */
public final class Notifications {

    /** A notification: the event, its room, when, whether the user has read past it and whether it highlights. */
    public record Notification(String roomId, NotificationEvent event, boolean read, long ts, boolean highlight, List<JsonNode> actions) {}

    /**
     * Notifications newest first.
     *
     * @param next the {@code from} of the notifications after these; empty when there are no more
     */
    public record Page(List<Notification> notifications, Optional<String> next) {}

    /**
     * An {@code http} pusher: the push gateway's URL (ending in {@code /_matrix/push/v1/notify}),
     * and optionally {@code format} ({@code event_id_only}: the gateway gets no event content).
     */
    public record HttpPusher(String appId, String pushkey, String gatewayUrl, Optional<String> format, String appDisplayName,
            String deviceDisplayName, String lang) {

        /** A pusher of the full format, named after its app, in English. */
        public static HttpPusher of(String appId, String pushkey, String gatewayUrl) {
            return new HttpPusher(appId, pushkey, gatewayUrl, Optional.empty(), appId, "mxspec-client", "en");
        }
    }

    private final ClientServerClient api;

    Notifications(ClientServerClient api) {
        this.api = api;
    }

    /**
     * Up to {@code limit} notifications from {@code from} (a {@link Page#next}; empty for the newest),
     * over as many requests as the server's page size takes; {@code onlyHighlight} keeps those that
     * highlight.
     */
    public Page list(Optional<String> from, int limit, boolean onlyHighlight) {
        if (limit < 1) {
            throw new IllegalArgumentException("limit must be at least 1, not " + limit);
        }
        List<Notification> out = new ArrayList<>();
        Optional<String> next = from;
        do {
            var page = api.getNotifications(new GetNotifications.Request(next, Optional.of((long) limit - out.size()),
                    onlyHighlight ? Optional.of("highlight") : Optional.empty()));
            page.notifications().forEach(n -> out.add(notification(n)));
            next = page.nextToken();
        } while (next.isPresent() && out.size() < limit);
        return new Page(List.copyOf(out), next);
    }

    private static Notification notification(GetNotificationsResponseNotifications n) {
        List<JsonNode> actions = n.actions().stream().map(MatrixJson::tree).toList();
        return new Notification(n.roomId(), n.event(), n.read(), n.ts(), actions.stream().anyMatch(Notifications::highlights), actions);
    }

    /** Whether an action is the {@code highlight} tweak set (a missing value means true). */
    private static boolean highlights(JsonNode action) {
        return action.path("set_tweak").asText().equals("highlight") && action.path("value").asBoolean(true);
    }

    /** The user's pushers. */
    public List<Pusher> pushers() {
        return api.getPushers(new GetPushers.Request()).pushers().orElse(List.of());
    }

    /**
     * Adds a pusher, or changes the one with its app ID and pushkey; without {@code append}, the
     * server removes other users' pushers with the same app ID and pushkey.
     */
    public void setPusher(HttpPusher p, boolean append) {
        api.postPusher(new PostPusher.Request(new PostPusherRequest(p.pushkey(), "http", p.appId(), Optional.of(p.appDisplayName()),
                Optional.of(p.deviceDisplayName()), Optional.empty(), Optional.of(p.lang()),
                Optional.of(new PusherData(Optional.of(p.gatewayUrl()), p.format(), Map.of())), Optional.of(append), Map.of())));
    }

    /** Removes the user's pusher of this app ID and pushkey ({@code kind: null}); false when there was none. */
    public boolean removePusher(String appId, String pushkey) {
        boolean present = pushers().stream().anyMatch(p -> p.appId().equals(appId) && p.pushkey().equals(pushkey));
        if (present) {
            api.postPusher(new PostPusher.Request(new PostPusherRequest(pushkey, null, appId, Optional.empty(), Optional.empty(),
                    Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), Map.of())));
        }
        return present;
    }
}
