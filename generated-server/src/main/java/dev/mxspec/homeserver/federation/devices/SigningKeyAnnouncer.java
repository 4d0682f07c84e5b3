package dev.mxspec.homeserver.federation.devices;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mxspec.homeserver.services.CrossSigning;
import dev.mxspec.homeserver.services.Memberships;
import dev.mxspec.runtime.json.MatrixJson;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;

/**
 * {@code m.signing_key_update} EDUs: told a local user's master or self-signing key changed (or the signatures of their
 * master key), it sends the user's current master and self-signing keys, with the signatures of the user's own, to
 * every server sharing a room with the user. The user-signing key, and signatures of other users' keys, never leave
 * the server.
 */
public final class SigningKeyAnnouncer implements Consumer<String> {

    private final CrossSigning crossSigning;
    private final Memberships memberships;
    private final EduOutbox outbox;
    private final String serverName;

    public SigningKeyAnnouncer(CrossSigning crossSigning, Memberships memberships, EduOutbox outbox, String serverName) {
        this.crossSigning = crossSigning;
        this.memberships = memberships;
        this.outbox = outbox;
        this.serverName = serverName;
    }

    @Override
    public void accept(String userId) {
        Set<String> destinations = SharingServers.others(memberships, userId, serverName);
        if (destinations.isEmpty()) {
            return;
        }
        ObjectNode edu = MatrixJson.mapper().createObjectNode().put("edu_type", "m.signing_key_update");
        ObjectNode content = edu.putObject("content").put("user_id", userId);
        crossSigning.key(userId, CrossSigning.MASTER, Optional.empty()).ifPresent(k -> content.set("master_key", k));
        crossSigning.key(userId, CrossSigning.SELF_SIGNING, Optional.empty()).ifPresent(k -> content.set("self_signing_key", k));
        outbox.send(destinations, edu);
    }
}
