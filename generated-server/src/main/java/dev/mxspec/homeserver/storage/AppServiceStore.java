package dev.mxspec.homeserver.storage;

import dev.mxspec.homeserver.storage.Records.StoredEvent;
import java.util.List;
import java.util.Optional;

/**
 * Application service transactions: how far the room stream was looked at for the services' interest, each
 * service's queue of events, and each service's transaction being sent (sent again unchanged until answered).
 */
public interface AppServiceStore {

    /** An event in a service's queue, at its stream position (for a membership kept outside the timeline: the membership's). */
    record Queued(String serviceId, long streamPos, String eventId) {}

    /** A transaction being sent: its ID, its JSON body, and the last queue position it carries. */
    record PendingTxn(String txnId, String body, long upTo) {}

    /**
     * A service's sending state.
     *
     * @param sincePos the stream position the service gets events after (where it was first configured)
     * @param nextTxn the number of the next transaction
     */
    record ServiceState(String serviceId, long sincePos, long nextTxn, Optional<PendingTxn> pending) {}

    /** The stream position up to which events were looked at for the services' interest; empty before the first time. */
    Optional<Long> interestPosition();

    /** Adds events to queues and moves the interest position, together: a restart neither loses nor repeats one. */
    void enqueueForAppServices(List<Queued> queued, long lookedAtUpTo);

    /** Events of room timelines, of every room, after a stream position and up to another, in stream order. */
    List<StoredEvent> timelineEvents(long after, long upTo, int limit);

    /**
     * The memberships kept outside a room's timeline (a local user's invite to a room not held here) whose membership
     * position is in a range of the stream: each as its event, with the membership's position as its {@code streamPos}.
     */
    List<StoredEvent> outsideMemberships(long after, long upTo);

    /** The first events of a service's queue, in order. */
    List<Queued> appServiceQueue(String serviceId, int limit);

    Optional<ServiceState> appServiceState(String serviceId);

    /** Stores a service's state: its next transaction number and the transaction being sent (before it is sent). */
    void saveAppServiceState(ServiceState state);

    /** A transaction was answered: its events leave the queue, nothing is pending. */
    void appServiceDelivered(String serviceId, long upTo);
}
