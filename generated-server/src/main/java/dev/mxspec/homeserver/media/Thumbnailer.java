package dev.mxspec.homeserver.media;

import dev.mxspec.homeserver.core.MediaSettings.ThumbnailSize;
import dev.mxspec.runtime.api.ErrorCodes;
import dev.mxspec.runtime.api.MatrixException;
import java.awt.Rectangle;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Iterator;
import java.util.Locale;
import java.util.Set;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageReadParam;
import javax.imageio.ImageReader;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.ImageInputStream;
import javax.imageio.stream.MemoryCacheImageInputStream;
import javax.imageio.stream.MemoryCacheImageOutputStream;

/**
 * Makes thumbnails of JPEG, PNG and WebP images (TwelveMonkeys' readers for JPEG and WebP, the
 * JDK's for PNG), with no storage and no state. The image's size is read from its header before
 * anything is decoded, and an image of more than the configured number of pixels is refused
 * ({@code 413 M_TOO_LARGE}); a large image is decoded subsampled (every n-th pixel: at least four
 * times the thumbnail's size each way, at most eight megapixels) and only in the region a crop
 * keeps, then scaled down in bilinear halvings. A JPEG's EXIF orientation is applied, so the
 * thumbnail stands as browsers show the original. Thumbnails of images with transparency are PNG,
 * the others JPEG. An image no larger than the size asked for gets no thumbnail: the original is
 * served, as the spec says.
 */
final class Thumbnailer {

    /** Types thumbnails are made of (not GIF, often animated; never SVG, which is a document). */
    static final Set<String> THUMBNAILED_TYPES = Set.of("image/jpeg", "image/png", "image/webp");
    /** The decoders used, by ImageIO format name, whatever type the upload claimed. */
    private static final Set<String> FORMATS = Set.of("jpeg", "png", "webp");
    private static final float JPEG_QUALITY = 0.85f;
    /** Decoded pixels per thumbnail pixel, each way, at least: subsampling picks pixels without averaging them. */
    private static final int OVERSAMPLING = 4;
    /** The most pixels decoded for one thumbnail (32 MB as RGB ints), whatever the oversampling asks. */
    private static final long MAX_DECODED_PIXELS = 8_000_000;

    static {
        if (System.getProperty("java.awt.headless") == null) {
            System.setProperty("java.awt.headless", "true"); // a server: Java2D on images only, never a display
        }
    }

    /** What became of a request: the original is small enough, or a thumbnail was made. */
    sealed interface Outcome {}

    /** The original is no larger than the size asked for, and is served as it is. */
    record Original() implements Outcome {}

    /** A thumbnail of {@code width} by {@code height}. */
    record Made(String contentType, byte[] bytes, int width, int height) implements Outcome {}

    private final long maxPixels;

    /** @param maxPixels the most pixels (width times height) an image may have to be decoded */
    Thumbnailer(long maxPixels) {
        this.maxPixels = maxPixels;
    }

    /** Whether thumbnails are made of content of this type (an essence: {@code image/png}). */
    static boolean thumbnails(String essence) {
        return THUMBNAILED_TYPES.contains(essence.toLowerCase(Locale.ROOT));
    }

    /**
     * The thumbnail of an encoded image for a size.
     *
     * @throws MatrixException 413 {@code M_TOO_LARGE} for an image of too many pixels, 400 {@code M_UNKNOWN}
     *     for bytes that are not a whole image of a thumbnailed format, or an animated one
     */
    Outcome thumbnail(byte[] image, ThumbnailSize size) {
        try (ImageInputStream in = new MemoryCacheImageInputStream(new ByteArrayInputStream(image))) {
            ImageReader reader = reader(in);
            try {
                reader.setInput(in, false, true);
                int width = reader.getWidth(0);
                int height = reader.getHeight(0);
                if ((long) width * height > maxPixels) {
                    throw new MatrixException(413, ErrorCodes.M_TOO_LARGE, "the image (" + width + "x" + height
                            + ") has more pixels than this server thumbnails (" + maxPixels + ")");
                }
                if (reader.getFormatName().equalsIgnoreCase("webp") && reader.getNumImages(true) > 1) {
                    throw cannot("an animated image");
                }
                // planned upright (as a browser shows the original), decoded and scaled as stored, then turned
                Orientation orientation = reader.getFormatName().equalsIgnoreCase("jpeg") ? Orientation.of(image) : Orientation.NORMAL;
                boolean turned = orientation.transposes();
                if ((turned ? height : width) <= size.width() && (turned ? width : height) <= size.height()) {
                    return new Original();
                }
                Plan plan = Plan.of(turned ? height : width, turned ? width : height, size);
                Rectangle region = plan.region();
                ImageReadParam param = reader.getDefaultReadParam();
                param.setSourceRegion(turned ? new Rectangle(region.y, region.x, region.height, region.width) : region);
                param.setSourceSubsampling(plan.subsampling(), plan.subsampling(), 0, 0);
                BufferedImage decoded = reader.read(0, param);
                boolean alpha = decoded.getColorModel().hasAlpha();
                BufferedImage scaled = orientation.apply(Resampling.downscale(decoded, turned ? plan.height() : plan.width(),
                        turned ? plan.width() : plan.height(), alpha));
                return new Made(alpha ? "image/png" : "image/jpeg", alpha ? png(scaled) : jpeg(scaled), plan.width(), plan.height());
            } finally {
                reader.dispose();
            }
        } catch (IOException | RuntimeException e) {
            if (e instanceof MatrixException matrix) {
                throw matrix;
            }
            throw cannot("not a readable image");
        }
    }

    /** The first reader of a thumbnailed format that recognises the bytes. */
    private static ImageReader reader(ImageInputStream in) {
        Iterator<ImageReader> readers = ImageIO.getImageReaders(in);
        while (readers.hasNext()) {
            ImageReader reader = readers.next();
            try {
                if (FORMATS.contains(reader.getFormatName().toLowerCase(Locale.ROOT))) {
                    return reader;
                }
            } catch (IOException e) {
                // a reader that cannot tell its format is not one we use
            }
            reader.dispose();
        }
        throw cannot("not an image of a format this server thumbnails (JPEG, PNG, WebP)");
    }

    private static MatrixException cannot(String why) {
        return new MatrixException(400, ErrorCodes.M_UNKNOWN, "Cannot generate thumbnails for the requested content: " + why);
    }

    /**
     * What to decode and what to make of it.
     *
     * @param region the part of the image kept (all of it when scaling; the centre with the size's aspect when cropping)
     * @param subsampling decode every n-th pixel of the region in both directions
     * @param width the thumbnail's width
     * @param height the thumbnail's height
     */
    record Plan(Rectangle region, int subsampling, int width, int height) {

        /**
         * {@code scale}: the image fitted within the size, its aspect kept. {@code crop}: the size itself (each side no
         * larger than the image's), cut from the centre of the image scaled to cover it. Never larger than the image.
         */
        static Plan of(int imageWidth, int imageHeight, ThumbnailSize size) {
            Rectangle region;
            int width;
            int height;
            if (size.crops()) {
                width = Math.min(imageWidth, size.width());
                height = Math.min(imageHeight, size.height());
                // the largest centred region with the thumbnail's aspect
                int regionWidth = imageWidth;
                int regionHeight = imageHeight;
                if ((long) imageWidth * height > (long) imageHeight * width) {
                    regionWidth = (int) Math.max(width, Math.round((double) imageHeight * width / height));
                } else {
                    regionHeight = (int) Math.max(height, Math.round((double) imageWidth * height / width));
                }
                region = new Rectangle((imageWidth - regionWidth) / 2, (imageHeight - regionHeight) / 2, regionWidth, regionHeight);
            } else {
                double factor = Math.min(1.0, Math.min((double) size.width() / imageWidth, (double) size.height() / imageHeight));
                width = (int) Math.max(1, Math.round(imageWidth * factor));
                height = (int) Math.max(1, Math.round(imageHeight * factor));
                region = new Rectangle(0, 0, imageWidth, imageHeight);
            }
            // every n-th pixel, keeping at least four per thumbnail pixel each way, and at most MAX_DECODED_PIXELS in all
            int oversampled = Math.min(region.width / (OVERSAMPLING * width), region.height / (OVERSAMPLING * height));
            int bounded = (int) Math.ceil(Math.sqrt((double) region.width * region.height / MAX_DECODED_PIXELS));
            int neverBelowTheThumbnail = Math.min(region.width / width, region.height / height);
            int subsampling = Math.max(1, Math.min(Math.max(oversampled, bounded), neverBelowTheThumbnail));
            return new Plan(region, subsampling, width, height);
        }
    }

    private static byte[] jpeg(BufferedImage image) throws IOException {
        ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (MemoryCacheImageOutputStream stream = new MemoryCacheImageOutputStream(out)) {
            writer.setOutput(stream);
            ImageWriteParam param = writer.getDefaultWriteParam();
            param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
            param.setCompressionQuality(JPEG_QUALITY);
            writer.write(null, new IIOImage(image, null, null), param);
        } finally {
            writer.dispose();
        }
        return out.toByteArray();
    }

    private static byte[] png(BufferedImage image) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        if (!ImageIO.write(image, "png", out)) {
            throw new IOException("no PNG writer");
        }
        return out.toByteArray();
    }
}
