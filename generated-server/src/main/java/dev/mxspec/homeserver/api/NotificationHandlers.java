package dev.mxspec.homeserver.api;

import static dev.mxspec.homeserver.api.Handlers.caller;
import static dev.mxspec.homeserver.api.Handlers.empty;
import static dev.mxspec.homeserver.api.Handlers.typed;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mxspec.homeserver.core.Caller;
import dev.mxspec.homeserver.services.ClientEvents;
import dev.mxspec.homeserver.services.Notifications;
import dev.mxspec.homeserver.services.Pushers;
import dev.mxspec.homeserver.storage.NotificationStore.Notified;
import dev.mxspec.homeserver.storage.Records.Pusher;
import dev.mxspec.homeserver.storage.Records.StoredEvent;
import dev.mxspec.runtime.api.ErrorCodes;
import dev.mxspec.runtime.api.MatrixException;
import dev.mxspec.runtime.json.MatrixJson;
import dev.mxspec.runtime.server.RequestContext;
import dev.mxspec.spec.v1_7.clientserver.GetNotificationsResponse;
import dev.mxspec.spec.v1_7.clientserver.GetPushersResponse;
import dev.mxspec.spec.v1_7.clientserver.PostPusherRequest;
import dev.mxspec.spec.v1_7.clientserver.endpoints.GetNotifications;
import dev.mxspec.spec.v1_7.clientserver.endpoints.GetPushers;
import dev.mxspec.spec.v1_7.clientserver.endpoints.PostPusher;
import dev.mxspec.spec.v1_7.clientserver.server.NotificationsHandler;
import dev.mxspec.spec.v1_7.clientserver.server.PusherHandler;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.LongSupplier;

/** {@code GET /notifications}, and pushers ({@code GET /pushers}, {@code POST /pushers/set}). */
public final class NotificationHandlers implements NotificationsHandler, PusherHandler {

    static final int DEFAULT_LIMIT = 20;
    static final int MAX_LIMIT = 100;

    private final Notifications notifications;
    private final Pushers pushers;
    private final LongSupplier clock;

    public NotificationHandlers(Notifications notifications, Pushers pushers, LongSupplier clock) {
        this.notifications = notifications;
        this.pushers = pushers;
        this.clock = clock;
    }

    /**
     * The caller's notifications, newest first: {@code from} is a {@code next_token} of an earlier
     * page, {@code only=highlight} keeps those that highlight. Each carries its event, the actions of
     * the rule that matched, and whether the caller has read past it.
     */
    @Override
    public GetNotificationsResponse getNotifications(RequestContext context, GetNotifications.Request request) {
        Caller caller = caller(context);
        long before = request.from().map(NotificationHandlers::position).orElse(Long.MAX_VALUE);
        long limit = request.limit().orElse((long) DEFAULT_LIMIT);
        if (limit < 1) {
            throw new MatrixException(400, ErrorCodes.M_INVALID_PARAM, "limit must be at least 1");
        }
        int size = (int) Math.min(limit, MAX_LIMIT);
        boolean onlyHighlight = request.only().map(o -> o.equals("highlight")).orElse(false);
        List<Notified> page = notifications.list(caller.userId(), before, size, onlyHighlight);
        Map<String, StoredEvent> events = notifications.eventsOf(page);
        long now = clock.getAsLong();
        ObjectNode out = MatrixJson.mapper().createObjectNode();
        ArrayNode list = out.putArray("notifications");
        for (Notified n : page) {
            StoredEvent event = events.get(n.action().eventId());
            if (event == null) {
                continue;
            }
            ObjectNode item = list.addObject();
            item.set("actions", ClientEvents.parse(n.action().actions()));
            item.set("event", ClientEvents.of(event, caller.userId(), caller.transactionScope(), now, true));
            item.put("read", n.read());
            item.put("room_id", n.action().roomId());
            item.put("ts", n.action().ts());
        }
        if (page.size() == size) {
            out.put("next_token", Long.toString(page.getLast().action().streamPos()));
        }
        return typed(out, GetNotificationsResponse.class);
    }

    private static long position(String token) {
        try {
            long pos = Long.parseLong(token);
            if (pos >= 0) {
                return pos;
            }
        } catch (NumberFormatException e) {
            // answered below
        }
        throw new MatrixException(400, ErrorCodes.M_INVALID_PARAM, "from must be a next_token of an earlier page");
    }

    @Override
    public GetPushersResponse getPushers(RequestContext context, GetPushers.Request request) {
        ArrayNode list = MatrixJson.mapper().createArrayNode();
        for (Pusher p : pushers.list(caller(context).userId())) {
            ObjectNode json = list.addObject().put("pushkey", p.pushkey()).put("kind", p.kind()).put("app_id", p.appId())
                    .put("app_display_name", p.appDisplayName()).put("device_display_name", p.deviceDisplayName()).put("lang", p.lang());
            p.profileTag().ifPresent(t -> json.put("profile_tag", t));
            json.set("data", ClientEvents.parse(p.data()));
        }
        ObjectNode out = MatrixJson.mapper().createObjectNode();
        out.set("pushers", list);
        return typed(out, GetPushersResponse.class);
    }

    @Override
    public JsonNode postPusher(RequestContext context, PostPusher.Request request) {
        Caller caller = caller(context);
        PostPusherRequest body = request.body();
        Optional<JsonNode> data = body.data().map(MatrixJson::tree);
        pushers.set(caller.userId(), caller.device(), new Pushers.Request(body.pushkey(), Optional.ofNullable(body.kind()),
                body.appId(), body.appDisplayName(), body.deviceDisplayName(), body.profileTag(), body.lang(), data,
                body.append().orElse(false)));
        return empty();
    }
}
