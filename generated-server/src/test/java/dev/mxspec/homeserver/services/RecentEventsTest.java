package dev.mxspec.homeserver.services;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mxspec.homeserver.core.Changes;
import dev.mxspec.homeserver.core.StreamCounter;
import dev.mxspec.homeserver.storage.Records.StoredEvent;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The in-memory pieces syncs read from: which streams changed, and the latest events of rooms. */
class RecentEventsTest {

    private static StoredEvent event(String roomId, long pos) {
        return new StoredEvent(pos, "$" + pos, roomId, "m.room.message", Optional.empty(), "@a:localhost", pos, pos, "{}",
                Optional.empty(), Optional.empty());
    }

    private static List<Long> positions(Optional<List<StoredEvent>> events) {
        return events.orElseThrow().stream().map(StoredEvent::streamPos).toList();
    }

    @Test
    void keysCountAsChangedAtStartUntilWrittenAgain() {
        StreamCounter stream = new StreamCounter(10);
        assertThat(stream.changedSince(Changes.room("!r"), 9)).isTrue();
        assertThat(stream.changedSince(Changes.room("!r"), 10)).isFalse();
        long pos = stream.next(Changes.room("!r"), Changes.members("!r"));
        assertThat(pos).isEqualTo(11);
        assertThat(stream.current()).as("not yet done").isEqualTo(10);
        assertThat(stream.changedSince(Changes.room("!r"), 10)).as("marked before it is visible").isTrue();
        stream.done(pos);
        assertThat(stream.current()).isEqualTo(11);
        assertThat(stream.changedSince(Changes.room("!r"), 11)).isFalse();
        assertThat(stream.changedSince(Changes.room("!other"), 10)).isFalse();
    }

    @Test
    void answersOnlyWhatItHoldsCompletely() {
        RecentEvents recent = new RecentEvents(3, 10);
        recent.added(event("!r", 5), 2); // the room's previous event was at 2
        recent.added(event("!r", 7), 5);
        assertThat(positions(recent.newestFirst("!r", 2, 100, 10))).containsExactly(7L, 5L);
        assertThat(positions(recent.newestFirst("!r", 5, 100, 10))).containsExactly(7L);
        assertThat(positions(recent.newestFirst("!r", 2, 6, 10))).as("up to a position").containsExactly(5L);
        assertThat(recent.newestFirst("!r", 1, 100, 10)).as("events at or before 2 are not held").isEmpty();
        assertThat(positions(recent.newestFirst("!r", 0, 100, 2))).as("the newest two are held whatever came before")
                .containsExactly(7L, 5L);
        recent.added(event("!r", 8), 7);
        recent.added(event("!r", 9), 8);
        assertThat(positions(recent.newestFirst("!r", 5, 100, 10))).as("5 fell out; the window starts after it")
                .containsExactly(9L, 8L, 7L);
        assertThat(recent.newestFirst("!r", 4, 100, 10)).isEmpty();
        assertThat(recent.newestFirst("!unknown", 0, 100, 10)).isEmpty();
    }

    @Test
    void aGapStartsTheWindowAgainAndForgettingEmptiesIt() {
        RecentEvents recent = new RecentEvents(5, 10);
        recent.added(event("!r", 3), 1);
        recent.added(event("!r", 9), 6); // an event at 6 was never added here
        assertThat(positions(recent.newestFirst("!r", 6, 100, 10))).containsExactly(9L);
        assertThat(recent.newestFirst("!r", 2, 100, 10)).isEmpty();
        recent.forget("!r");
        assertThat(recent.newestFirst("!r", 6, 100, 10)).isEmpty();
    }

    @Test
    void keepsTheMostRecentlyUsedRooms() {
        RecentEvents recent = new RecentEvents(5, 2);
        recent.added(event("!a", 1), 0);
        recent.added(event("!b", 2), 0);
        recent.newestFirst("!a", 0, 100, 10);
        recent.added(event("!c", 3), 0);
        assertThat(recent.newestFirst("!b", 0, 100, 10)).as("least recently used").isEmpty();
        assertThat(positions(recent.newestFirst("!a", 0, 100, 10))).containsExactly(1L);
        assertThat(positions(recent.newestFirst("!c", 0, 100, 10))).containsExactly(3L);
    }
}
