package dev.mxspec.client.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mxspec.client.sdk.Credentials;
import dev.mxspec.client.sdk.MatrixSession;
import dev.mxspec.runtime.json.MatrixJson;
import dev.mxspec.spec.v1_7.clientserver.ClientEventWithoutRoomID;
import java.io.PrintWriter;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine;

/** A subcommand that acts with stored credentials (at any depth: {@code pushers set} as well as {@code send}). */
abstract class Stored implements Callable<Integer> {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    /** The top command, holding the options every subcommand inherits ({@code --json}, {@code --user}). */
    Main main() {
        return (Main) spec.root().userObject();
    }

    boolean json() {
        return main().json;
    }

    MatrixSession session() {
        return MatrixSession.resume(Credentials.load(Optional.ofNullable(main().user))
                .orElseThrow(() -> new IllegalStateException("not logged in: run login or register first")))
                .onRefresh(Credentials::store);
    }

    PrintWriter out() {
        return spec.commandLine().getOut();
    }

    void print(String text, Object json) {
        out().println(json() ? MatrixJson.write(json) : text);
    }

    /** An event as it arrives: a line of text, or its JSON with the room ID. */
    void printLive(String roomId, ClientEventWithoutRoomID e) {
        if (json()) {
            ObjectNode line = MatrixJson.tree(e).deepCopy();
            line.put("room_id", roomId);
            out().println(MatrixJson.write(line));
        } else {
            out().println(Lines.of(e.sender(), e.type(), e.content()));
        }
        out().flush();
    }
}
