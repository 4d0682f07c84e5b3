package dev.mxspec.homeserver.federation.rooms;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;

/**
 * Sends one transaction ({@code PUT /_matrix/federation/v1/send/{txnId}}) to a destination server, signed and over
 * the transport's connection: the federation client implements it. A transaction is delivered when the answer is
 * 200; anything else, or an {@link IOException}, and the same transaction is sent again later.
 */
@FunctionalInterface
public interface TransactionSender {

    /** The destination's answer: its HTTP status and JSON body (per-PDU results on 200). */
    record Response(int status, JsonNode body) {}

    Response send(String destination, String txnId, ObjectNode body) throws IOException;
}
