package dev.mxspec.client.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mxspec.client.sdk.Discovery;
import dev.mxspec.runtime.json.MatrixJson;
import java.util.Optional;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code spaces} (a space as a tree), {@code directory} (people), {@code upgrade} and {@code report}. */
final class DiscoveryCommands {

    private DiscoveryCommands() {}

    @Command(name = "spaces", description = "Show a space and the rooms and spaces in it, as a tree.")
    static final class Spaces extends Stored {
        @Parameters(index = "0", description = "the space's room ID") String space;
        @Option(names = "--depth", description = "how many levels below the space (the server's limit otherwise)") Integer depth;
        @Option(names = "--suggested", description = "only the rooms the space suggests") boolean suggested;

        @Override
        public Integer call() {
            Discovery.SpaceNode tree = session().discovery().spaceTree(space, Optional.ofNullable(depth), suggested);
            if (json()) {
                out().println(MatrixJson.write(json(tree)));
            } else {
                print(tree, "");
            }
            return 0;
        }

        private void print(Discovery.SpaceNode node, String indent) {
            var r = node.room();
            String kind = r.roomType().filter("m.space"::equals).isPresent() ? "space" : "room";
            out().println(indent + r.name().or(r::canonicalAlias).orElse(r.roomId()) + "  (" + kind + " " + r.roomId() + ", "
                    + r.numJoinedMembers() + (r.numJoinedMembers() == 1 ? " member)" : " members)"));
            node.children().forEach(c -> print(c, indent + "  "));
        }

        private static ObjectNode json(Discovery.SpaceNode node) {
            ObjectNode out = (ObjectNode) MatrixJson.tree(node.room()).deepCopy();
            out.remove("children_state");
            ArrayNode children = out.putArray("children");
            node.children().forEach(c -> children.add(json(c)));
            return out;
        }
    }

    @Command(name = "directory", description = "Find people by the start of their name or user ID.")
    static final class Directory extends Stored {
        @Parameters(index = "0") String term;
        @Option(names = "--limit", defaultValue = "10") int limit;

        @Override
        public Integer call() {
            Discovery.People found = session().discovery().findPeople(term, limit);
            if (json()) {
                out().println(MatrixJson.write(found));
            } else {
                found.people().forEach(p -> out().println(p.userId() + p.displayName().map(n -> "  " + n).orElse("")));
                if (found.limited()) {
                    out().println("(more: raise --limit)");
                }
            }
            return 0;
        }
    }

    @Command(name = "upgrade", description = "Upgrade a room to another room version; prints the replacement room.")
    static final class Upgrade extends Stored {
        @Parameters(index = "0") String room;
        @Parameters(index = "1", description = "the room version, e.g. 10") String version;

        @Override
        public Integer call() {
            String replacement = session().discovery().upgrade(room, version);
            print(replacement, MatrixJson.mapper().createObjectNode().put("replacement_room", replacement));
            return 0;
        }
    }

    @Command(name = "report", description = "Report a message to the server's operators.")
    static final class Report extends Stored {
        @Parameters(index = "0") String room;
        @Parameters(index = "1") String eventId;
        @Option(names = "--reason") String reason;
        @Option(names = "--score", description = "-100 (most offensive) to 0") Long score;

        @Override
        public Integer call() {
            session().discovery().report(room, eventId, Optional.ofNullable(reason), Optional.ofNullable(score));
            print("reported " + eventId, MatrixJson.mapper().createObjectNode().put("event_id", eventId));
            return 0;
        }
    }
}
