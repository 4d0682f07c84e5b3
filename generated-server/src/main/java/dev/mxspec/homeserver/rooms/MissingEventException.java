package dev.mxspec.homeserver.rooms;

/**
 * State resolution needed an event that the {@link EventGraph} does not know: one of the state sets' events, or
 * one of their auth chains. The caller can fetch it and resolve again.
 */
public final class MissingEventException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final String eventId;

    public MissingEventException(String eventId) {
        super("state resolution needs event " + eventId + ", which is not known");
        this.eventId = eventId;
    }

    /** The ID of the event that is not known. */
    public String eventId() {
        return eventId;
    }
}
