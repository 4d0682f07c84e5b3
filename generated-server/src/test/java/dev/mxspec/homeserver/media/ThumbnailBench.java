package dev.mxspec.homeserver.media;

import dev.mxspec.homeserver.core.MediaSettings;
import dev.mxspec.homeserver.core.MediaSettings.ThumbnailSize;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import javax.imageio.ImageIO;

/**
 * Thumbnails of a 24-megapixel JPEG (6000x4000, gradients, grain and shapes, made here), for each
 * default size: the median time of nine runs after two warm-ups, the bytes allocated per run, and
 * the smallest heap ({@code -Xmx}, serial collector) a fresh JVM makes it in. A main rather than a
 * timed test: {@code mvn -P bench -pl generated-server verify -Dbench.args=thumbnails}.
 */
public final class ThumbnailBench {

    private static final int[] HEAPS_MB = {16, 24, 32, 48, 64, 96, 128, 192, 256, 384, 512};

    private ThumbnailBench() {}

    public static void main(String[] args) throws Exception {
        if (args.length == 3 && args[0].equals("once")) { // in a child JVM: one thumbnail, exit status 0 when made
            new Thumbnailer(MediaSettings.DEFAULT_MAX_THUMBNAIL_PIXELS).thumbnail(Files.readAllBytes(Path.of(args[1])), size(args[2]));
            return;
        }
        Path photo = Files.createTempFile("photo-24mp", ".jpg");
        try {
            ImageIO.write(photo(6000, 4000), "jpeg", photo.toFile());
            byte[] bytes = Files.readAllBytes(photo);
            System.out.printf("24-megapixel JPEG, %.1f MB%n", bytes.length / 1e6);
            for (ThumbnailSize size : MediaSettings.DEFAULT_SIZES) {
                System.out.printf("%-14s %s; smallest heap %s%n", size.key(), timed(bytes, size), smallestHeap(photo, size));
            }
        } finally {
            Files.delete(photo);
        }
    }

    private static String timed(byte[] photo, ThumbnailSize size) {
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        Thumbnailer thumbnailer = new Thumbnailer(MediaSettings.DEFAULT_MAX_THUMBNAIL_PIXELS);
        long[] ms = new long[9];
        long allocated = 0;
        Thumbnailer.Made made = null;
        for (int run = -2; run < ms.length; run++) {
            long bytesBefore = threads.getCurrentThreadAllocatedBytes();
            long start = System.nanoTime();
            made = (Thumbnailer.Made) thumbnailer.thumbnail(photo, size);
            if (run >= 0) {
                ms[run] = (System.nanoTime() - start) / 1_000_000;
                allocated = threads.getCurrentThreadAllocatedBytes() - bytesBefore;
            }
        }
        Arrays.sort(ms);
        return "%dx%d %s: median %d ms (%d-%d), %d MB allocated".formatted(made.width(), made.height(), made.contentType(), ms[ms.length / 2],
                ms[0], ms[ms.length - 1], allocated >> 20);
    }

    private static String smallestHeap(Path photo, ThumbnailSize size) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        for (int mb : HEAPS_MB) {
            Process child = new ProcessBuilder(java, "-Xmx" + mb + "m", "-XX:+UseSerialGC", "-cp", System.getProperty("java.class.path"),
                    ThumbnailBench.class.getName(), "once", photo.toString(), size.key())
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectError(ProcessBuilder.Redirect.DISCARD).start();
            if (child.waitFor() == 0) {
                return mb + " MB";
            }
        }
        return "more than " + HEAPS_MB[HEAPS_MB.length - 1] + " MB";
    }

    /** A photo-like image: colour gradients with grain, under a few hundred ellipses. */
    private static BufferedImage photo(int width, int height) {
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Random random = new Random(1);
        int[] row = new int[width];
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                int grain = random.nextInt(64);
                row[x] = (x * 191 / width + grain) << 16 | (y * 191 / height + grain) << 8 | ((x + y) * 191 / (width + height) + grain);
            }
            image.setRGB(0, y, width, 1, row, 0, width);
        }
        Graphics2D g = image.createGraphics();
        for (int i = 0; i < 300; i++) {
            g.setColor(new Color(random.nextInt()));
            g.fillOval(random.nextInt(width), random.nextInt(height), 50 + random.nextInt(600), 50 + random.nextInt(600));
        }
        g.dispose();
        return image;
    }

    private static ThumbnailSize size(String key) {
        List<String> parts = List.of(key.split("[x-]"));
        return new ThumbnailSize(Integer.parseInt(parts.get(0)), Integer.parseInt(parts.get(1)), parts.get(2));
    }
}
