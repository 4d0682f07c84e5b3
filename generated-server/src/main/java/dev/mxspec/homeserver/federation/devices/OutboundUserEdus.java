package dev.mxspec.homeserver.federation.devices;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mxspec.homeserver.core.Ids;
import dev.mxspec.homeserver.services.Memberships;
import dev.mxspec.homeserver.services.UserStreams;
import dev.mxspec.runtime.json.MatrixJson;
import java.util.Optional;
import java.util.Set;

/**
 * Local users' presence ({@code m.presence}, to every server sharing a room with the user) and to-device messages for
 * other servers' users ({@code m.direct_to_device}, one EDU per destination server and request, with a fresh
 * {@code message_id} the receiving server deduplicates on).
 */
public final class OutboundUserEdus implements UserStreams.Listener, UserStreams.RemoteToDevice {

    private final Memberships memberships;
    private final EduOutbox outbox;
    private final String serverName;

    public OutboundUserEdus(Memberships memberships, EduOutbox outbox, String serverName) {
        this.memberships = memberships;
        this.outbox = outbox;
        this.serverName = serverName;
    }

    @Override
    public void presence(String userId, String presence, Optional<String> statusMsg) {
        Set<String> destinations = SharingServers.others(memberships, userId, serverName);
        if (destinations.isEmpty()) {
            return;
        }
        ObjectNode edu = MatrixJson.mapper().createObjectNode().put("edu_type", "m.presence");
        ObjectNode update = edu.putObject("content").putArray("push").addObject().put("user_id", userId).put("presence", presence)
                .put("last_active_ago", 0).put("currently_active", presence.equals("online"));
        statusMsg.ifPresent(msg -> update.put("status_msg", msg));
        outbox.send(destinations, edu);
    }

    @Override
    public void send(String sender, String type, String server, JsonNode messages) {
        ObjectNode edu = MatrixJson.mapper().createObjectNode().put("edu_type", "m.direct_to_device");
        edu.putObject("content").put("sender", sender).put("type", type).put("message_id", Ids.random(24)).set("messages", messages);
        outbox.send(Set.of(server), edu);
    }
}
