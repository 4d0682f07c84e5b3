package dev.mxspec.homeserver.media;

import java.net.URI;
import java.util.List;
import java.util.Optional;

/**
 * Where uploaded media live: each item's bytes and what it is, the reservations of v1.7's
 * create-then-upload, the thumbnails made of it, and, for a store that can hand them out, URLs
 * where clients may fetch them directly. Media IDs are chosen by the server ({@code [A-Za-z0-9_-]},
 * checked by {@link MediaService} before any call); thumbnail keys come from the configured sizes.
 * Implementations are safe for concurrent use. {@link FileMediaStore} is the default.
 */
public interface MediaStore {

    /**
     * What an item is.
     *
     * @param contentType the type the uploader gave
     * @param filename the name the uploader gave, if any
     */
    record Info(String contentType, Optional<String> filename) {}

    /**
     * A media ID reserved for a later upload.
     *
     * @param mediaId the reserved ID
     * @param creator the only user who may fill it
     * @param expiresAt when the reservation lapses unused (ms since the epoch)
     */
    record Reservation(String mediaId, String creator, long expiresAt) {}

    /**
     * A thumbnail as stored.
     *
     * @param contentType {@code image/jpeg} or {@code image/png}
     * @param bytes the encoded image
     */
    record Thumbnail(String contentType, byte[] bytes) {}

    /**
     * Stores an item whole: readers see either nothing or the bytes with their {@link Info}.
     *
     * @return false, storing nothing, when the ID already holds an item
     */
    boolean put(String mediaId, Info info, byte[] bytes);

    /** Records a use of an item, as the store keeps track of them (by default, it does not). */
    default void used(String mediaId, long nowMs) {}

    /** Whether the ID holds a whole item. */
    boolean exists(String mediaId);

    /** What the item is, when the ID holds one. */
    Optional<Info> metadata(String mediaId);

    /** The item's bytes, when the ID holds one. */
    Optional<byte[]> get(String mediaId);

    /** Records a reservation (of an ID that holds nothing). */
    void reserve(Reservation reservation);

    /** The unclaimed reservation of an ID, expired or not. */
    Optional<Reservation> reservation(String mediaId);

    /** Every unclaimed reservation, expired or not. */
    List<Reservation> reservations();

    /** Forgets an unclaimed reservation. */
    void cancel(String mediaId);

    /**
     * Takes a reservation for its upload, atomically: of two callers at most one gets it. The
     * reservation stays {@link #claimed} until {@link #release} gives it back or {@link #settle}
     * ends it after a {@link #put}.
     *
     * @return false when the ID holds no unclaimed reservation
     */
    boolean claim(String mediaId);

    /** Whether an upload holds the ID's reservation. */
    boolean claimed(String mediaId);

    /** Gives a claimed reservation back (its upload failed; the creator may try again). */
    void release(String mediaId);

    /** Ends a claimed reservation whose upload is stored. */
    void settle(String mediaId);

    /** The thumbnail made of an item for a size key ({@code 320x240-scale}), if one was stored. */
    Optional<Thumbnail> thumbnail(String mediaId, String sizeKey);

    /** Stores a thumbnail whole, replacing one of the same key. */
    void putThumbnail(String mediaId, String sizeKey, Thumbnail thumbnail);

    /** Where clients may fetch the item's bytes directly, for a store that offers it. */
    default Optional<URI> publicUrl(String mediaId) {
        return Optional.empty();
    }

    /** Where clients may fetch a stored thumbnail directly, for a store that offers it. */
    default Optional<URI> publicThumbnailUrl(String mediaId, String sizeKey, String contentType) {
        return Optional.empty();
    }
}
