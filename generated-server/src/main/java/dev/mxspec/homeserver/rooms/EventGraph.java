package dev.mxspec.homeserver.rooms;

import java.util.Optional;

/**
 * The events of a room as state resolution reads them: any event by its ID, with whether this server rejected
 * it. Storage implements it; an implementation may also fetch an event it lacks from elsewhere. State resolution
 * asks only for the events of the state sets it resolves and of their auth chains, each once per resolution.
 */
@FunctionalInterface
public interface EventGraph {

    /** The event {@code eventId}; empty when it is not known (state resolution then fails). */
    Optional<GraphEvent> event(String eventId);
}
