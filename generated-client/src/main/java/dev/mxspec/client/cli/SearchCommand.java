package dev.mxspec.client.cli;

import dev.mxspec.client.sdk.Search;
import dev.mxspec.runtime.json.MatrixJson;
import java.util.List;
import java.util.Optional;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code search}: messages, room names and topics matching a term, one per line with the room and event ID. */
@Command(name = "search", description = "Search messages, room names and topics of your rooms (words, \"a phrase\", -excluded, a or b).")
final class SearchCommand extends Stored {

    @Parameters(index = "0", paramLabel = "TERM") String term;
    @Option(names = "--room", paramLabel = "ROOM", description = "only this room") String room;
    @Option(names = "--order", defaultValue = "rank", description = "rank (most relevant first, the default) or recent (newest first)")
    String order;
    @Option(names = "--limit", defaultValue = "20", description = "the most results to print") int limit;

    @Override
    public Integer call() {
        if (!order.equals("rank") && !order.equals("recent")) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--order is rank or recent, not " + order);
        }
        List<Search.Hit> hits = session().search().find(term, Optional.ofNullable(room), order.equals("recent"), Math.max(0, limit));
        if (json()) {
            out().println(MatrixJson.write(hits.stream().map(Search.Hit::event).toList()));
        } else {
            hits.forEach(h -> out().println(h.event().roomId() + "  " + h.event().eventId() + "  " + Lines.shown(h.event())));
        }
        return 0;
    }
}
