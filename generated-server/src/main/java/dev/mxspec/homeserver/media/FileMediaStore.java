package dev.mxspec.homeserver.media;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mxspec.homeserver.core.Ids;
import dev.mxspec.homeserver.core.KeyLocks;
import dev.mxspec.runtime.json.MatrixJson;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Media as files in one folder ({@code data_dir/media}): {@code <id>} holds an item's bytes and
 * {@code <id>.json} its type and name; {@code <id>.pending} a reservation (creator, expiry),
 * renamed to {@code <id>.uploading} while its upload is stored; {@code <id>.thumb-<size>.jpg} or
 * {@code .png} a thumbnail. Everything is written to a temporary name and renamed into place, so a
 * reader never sees half a file. With a public base URL (a web server serving this folder), items
 * and thumbnails have URLs: the base followed by the file's name. An item's last use is the modification time of
 * its data file ({@link #used}); {@link #removeUnusedBefore} removes the items unused since a time (for copies of
 * other servers' media, which can be fetched again).
 */
public final class FileMediaStore implements MediaStore {

    /** The IDs and size keys this store accepts: nothing that could leave the folder or name another file. */
    private static final Pattern MEDIA_ID = Pattern.compile("[A-Za-z0-9_-]{1,64}");
    private static final Pattern SIZE_KEY = Pattern.compile("[0-9]{1,5}x[0-9]{1,5}-(crop|scale)");
    /** How long a reservation written without its expiry (by an older version) lives after it was made. */
    private static final long LEGACY_RESERVATION_MS = 24 * 60 * 60 * 1000L;

    /** How much later than its recorded last use a use is written down again (one write an hour at most, not one a download). */
    static final long USE_GRANULARITY_MS = 60 * 60 * 1000L;

    private final Path dir;
    private final Optional<String> publicBaseUrl;
    /** Held while an item is written whole or removed, so that a removal never takes part of a new copy. */
    private final KeyLocks locks;

    /** @param publicBaseUrl where a web server serves {@code dir}, without a trailing slash */
    public FileMediaStore(Path dir, Optional<String> publicBaseUrl) {
        this(dir, publicBaseUrl, new KeyLocks(16));
    }

    /** @param locks the locks of items, shared by stores made for the same folder at different times */
    public FileMediaStore(Path dir, Optional<String> publicBaseUrl, KeyLocks locks) {
        this.dir = dir;
        this.publicBaseUrl = publicBaseUrl;
        this.locks = locks;
    }

    @Override
    public boolean put(String mediaId, Info info, byte[] bytes) {
        Path data = file(mediaId, "");
        synchronized (locks.of(mediaId)) {
            if (Files.exists(data)) {
                return false;
            }
            ObjectNode meta = MatrixJson.mapper().createObjectNode().put("content_type", info.contentType());
            info.filename().ifPresent(f -> meta.put("filename", f));
            // the metadata first, the data last: a reader finds either nothing or the whole item
            writeWhole(file(mediaId, ".json"), MatrixJson.write(meta).getBytes(StandardCharsets.UTF_8));
            writeWhole(data, bytes);
            return true;
        }
    }

    /** Records a use of an item at {@code nowMs} (nothing when it holds none). */
    @Override
    public void used(String mediaId, long nowMs) {
        Path data = file(mediaId, "");
        try {
            if (Files.getLastModifiedTime(data).toMillis() < nowMs - USE_GRANULARITY_MS) {
                Files.setLastModifiedTime(data, FileTime.fromMillis(nowMs));
            }
        } catch (NoSuchFileException e) {
            // removed meanwhile: the next request fetches it again
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Removes every item last used before {@code cutoffMs}, with its metadata and thumbnails (reservations and uploads in
     * progress are no items and stay); how many it removed.
     */
    public int removeUnusedBefore(long cutoffMs) {
        if (!Files.isDirectory(dir)) {
            return 0;
        }
        List<String> old = new ArrayList<>();
        try (var files = Files.newDirectoryStream(dir, f -> MEDIA_ID.matcher(f.getFileName().toString()).matches() && Files.isRegularFile(f))) {
            for (Path f : files) {
                if (Files.getLastModifiedTime(f).toMillis() < cutoffMs) {
                    old.add(f.getFileName().toString());
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        int removed = 0;
        for (String mediaId : old) {
            synchronized (locks.of(mediaId)) {
                Path data = file(mediaId, "");
                try {
                    if (Files.getLastModifiedTime(data).toMillis() >= cutoffMs) {
                        continue; // used meanwhile
                    }
                } catch (NoSuchFileException e) {
                    continue;
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
                delete(data); // the data first: from now on the item is not there, whatever is left of it
                delete(file(mediaId, ".json"));
                try (var thumbnails = Files.newDirectoryStream(dir, mediaId + ".thumb-*")) {
                    for (Path t : thumbnails) {
                        delete(t);
                    }
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
                removed++;
            }
        }
        return removed;
    }

    @Override
    public boolean exists(String mediaId) {
        return Files.isRegularFile(file(mediaId, ""));
    }

    /** An item without its {@code .json} (lost, or removed by hand) is served as {@code application/octet-stream}. */
    @Override
    public Optional<Info> metadata(String mediaId) {
        if (!exists(mediaId)) {
            return Optional.empty();
        }
        JsonNode meta;
        try {
            meta = MatrixJson.mapper().readTree(read(file(mediaId, ".json")).orElse("{}".getBytes(StandardCharsets.UTF_8)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return Optional.of(new Info(meta.path("content_type").asText("application/octet-stream"),
                Optional.ofNullable(meta.path("filename").textValue())));
    }

    @Override
    public Optional<byte[]> get(String mediaId) {
        return read(file(mediaId, ""));
    }

    @Override
    public void reserve(Reservation reservation) {
        writeWhole(file(reservation.mediaId(), ".pending"), (reservation.creator() + "\n" + reservation.expiresAt())
                .getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public Optional<Reservation> reservation(String mediaId) {
        return reservationIn(file(mediaId, ".pending"), mediaId);
    }

    @Override
    public List<Reservation> reservations() {
        List<Reservation> all = new ArrayList<>();
        if (!Files.isDirectory(dir)) {
            return all;
        }
        try (var files = Files.newDirectoryStream(dir, "*.pending")) {
            for (Path f : files) {
                String name = f.getFileName().toString();
                String id = name.substring(0, name.length() - ".pending".length());
                if (MEDIA_ID.matcher(id).matches()) {
                    reservationIn(f, id).ifPresent(all::add);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return all;
    }

    /** A reservation file (one written without its expiry expires a day after it was made); empty when gone or unreadable. */
    private static Optional<Reservation> reservationIn(Path file, String mediaId) {
        try {
            String[] lines = Files.readString(file).split("\n");
            long expires = lines.length > 1 ? Long.parseLong(lines[1].strip())
                    : Files.getLastModifiedTime(file).toMillis() + LEGACY_RESERVATION_MS;
            return Optional.of(new Reservation(mediaId, lines[0].strip(), expires));
        } catch (IOException | NumberFormatException e) {
            return Optional.empty();
        }
    }

    @Override
    public void cancel(String mediaId) {
        delete(file(mediaId, ".pending"));
    }

    @Override
    public boolean claim(String mediaId) {
        try {
            Files.move(file(mediaId, ".pending"), file(mediaId, ".uploading"), StandardCopyOption.ATOMIC_MOVE);
            return true;
        } catch (NoSuchFileException e) {
            return false;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public boolean claimed(String mediaId) {
        return Files.exists(file(mediaId, ".uploading"));
    }

    @Override
    public void release(String mediaId) {
        try {
            Files.move(file(mediaId, ".uploading"), file(mediaId, ".pending"), StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void settle(String mediaId) {
        delete(file(mediaId, ".uploading"));
    }

    @Override
    public Optional<Thumbnail> thumbnail(String mediaId, String sizeKey) {
        for (String type : List.of("image/jpeg", "image/png")) {
            Optional<byte[]> bytes = read(thumbnailFile(mediaId, sizeKey, type));
            if (bytes.isPresent()) {
                return Optional.of(new Thumbnail(type, bytes.get()));
            }
        }
        return Optional.empty();
    }

    @Override
    public void putThumbnail(String mediaId, String sizeKey, Thumbnail thumbnail) {
        writeWhole(thumbnailFile(mediaId, sizeKey, thumbnail.contentType()), thumbnail.bytes());
    }

    @Override
    public Optional<URI> publicUrl(String mediaId) {
        return publicBaseUrl.map(base -> URI.create(base + "/" + file(mediaId, "").getFileName()));
    }

    @Override
    public Optional<URI> publicThumbnailUrl(String mediaId, String sizeKey, String contentType) {
        return publicBaseUrl.map(base -> URI.create(base + "/" + thumbnailFile(mediaId, sizeKey, contentType).getFileName()));
    }

    private Path thumbnailFile(String mediaId, String sizeKey, String contentType) {
        if (!SIZE_KEY.matcher(sizeKey).matches()) {
            throw new IllegalArgumentException("not a thumbnail size key: " + sizeKey);
        }
        return file(mediaId, ".thumb-" + sizeKey + (contentType.equals("image/png") ? ".png" : ".jpg"));
    }

    /** The file of an item with a suffix; IDs outside the grammar never reach the file system. */
    private Path file(String mediaId, String suffix) {
        if (!MEDIA_ID.matcher(mediaId).matches()) {
            throw new IllegalArgumentException("not a media ID this store accepts");
        }
        return dir.resolve(mediaId + suffix);
    }

    private static Optional<byte[]> read(Path file) {
        try {
            return Optional.of(Files.readAllBytes(file));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Writes under a temporary name (with the usual permissions, so a web server may read the folder), then renames into place. */
    private void writeWhole(Path target, byte[] bytes) {
        try {
            Files.createDirectories(dir);
            Path partial = dir.resolve(target.getFileName() + "." + Ids.random(12) + ".partial");
            try {
                Files.write(partial, bytes);
                Files.move(partial, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } finally {
                Files.deleteIfExists(partial);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void delete(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
