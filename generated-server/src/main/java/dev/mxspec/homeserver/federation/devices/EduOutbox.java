package dev.mxspec.homeserver.federation.devices;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Set;

/** Where outgoing EDUs go: the federation sender's persisted queues ({@code FederationSender#sendEdu}). */
@FunctionalInterface
public interface EduOutbox {
    void send(Set<String> destinations, ObjectNode edu);
}
