package dev.mxspec.homeserver.media;

import dev.mxspec.homeserver.core.MediaSettings.ThumbnailSize;
import java.util.Comparator;
import java.util.List;

/**
 * Which configured thumbnail answers a request, as Synapse chooses among the thumbnails it made:
 * of the sizes with the asked method, the smallest that is at least as large as asked in both
 * directions (for {@code crop}, first the closest in aspect ratio); when none is, the largest. A
 * client never gets a thumbnail made for the exact size it gave, so the number of thumbnails of an
 * item stays bounded by the configuration.
 */
final class ThumbnailSizes {

    private final List<ThumbnailSize> sizes;

    ThumbnailSizes(List<ThumbnailSize> sizes) {
        if (sizes.isEmpty()) {
            throw new IllegalArgumentException("no thumbnail sizes");
        }
        this.sizes = List.copyOf(sizes);
    }

    /** The size for a request of {@code width} by {@code height} (both at least 1) with a method ({@code crop} or {@code scale}). */
    ThumbnailSize choose(long width, long height, String method) {
        List<ThumbnailSize> same = sizes.stream().filter(s -> s.method().equals(method)).toList();
        List<ThumbnailSize> candidates = same.isEmpty() ? sizes : same;
        Comparator<ThumbnailSize> byArea = Comparator.comparingLong(s -> (long) s.width() * s.height());
        Comparator<ThumbnailSize> smallest = method.equals("crop")
                ? Comparator.<ThumbnailSize>comparingDouble(s -> aspectDistance(s, width, height)).thenComparing(byArea)
                : byArea;
        return candidates.stream()
                .filter(s -> s.width() >= width && s.height() >= height)
                .min(smallest)
                .orElseGet(() -> candidates.stream().max(byArea).orElseThrow());
    }

    /** How far a size's aspect ratio is from the asked one, on a logarithmic scale (2:1 and 1:2 are as far from 1:1). */
    private static double aspectDistance(ThumbnailSize size, long width, long height) {
        return Math.abs(Math.log((double) size.width() / size.height()) - Math.log((double) width / height));
    }
}
