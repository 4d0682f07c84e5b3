package dev.mxspec.homeserver.media;

import java.awt.image.BufferedImage;

/**
 * How a JPEG's pixels are to be turned for display: the EXIF {@code Orientation} tag (1 to 8) that
 * cameras and phones write instead of rotating the pixels, and that browsers apply when they show
 * the original. A thumbnail is made upright, so it looks like the original does.
 */
enum Orientation {
    NORMAL, MIRRORED, ROTATED_180, FLIPPED, TRANSPOSED, ROTATED_90, TRANSVERSE, ROTATED_270;

    private static final int APP1 = 0xe1;
    private static final int START_OF_SCAN = 0xda;
    private static final int ORIENTATION_TAG = 0x0112;

    /** Whether width and height change places. */
    boolean transposes() {
        return ordinal() >= TRANSPOSED.ordinal();
    }

    /** The image turned upright. */
    BufferedImage apply(BufferedImage stored) {
        if (this == NORMAL) {
            return stored;
        }
        int w = stored.getWidth();
        int h = stored.getHeight();
        int width = transposes() ? h : w;
        int height = transposes() ? w : h;
        BufferedImage upright = new BufferedImage(width, height, stored.getType());
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                int rgb = switch (this) {
                    case NORMAL -> stored.getRGB(x, y);
                    case MIRRORED -> stored.getRGB(w - 1 - x, y);
                    case ROTATED_180 -> stored.getRGB(w - 1 - x, h - 1 - y);
                    case FLIPPED -> stored.getRGB(x, h - 1 - y);
                    case TRANSPOSED -> stored.getRGB(y, x);
                    case ROTATED_90 -> stored.getRGB(y, h - 1 - x);
                    case TRANSVERSE -> stored.getRGB(w - 1 - y, h - 1 - x);
                    case ROTATED_270 -> stored.getRGB(w - 1 - y, x);
                };
                upright.setRGB(x, y, rgb);
            }
        }
        return upright;
    }

    /** The orientation a JPEG's EXIF segment gives; {@link #NORMAL} without one, or for anything unreadable. */
    static Orientation of(byte[] jpeg) {
        if (jpeg.length < 4 || (jpeg[0] & 0xff) != 0xff || (jpeg[1] & 0xff) != 0xd8) {
            return NORMAL;
        }
        int at = 2;
        while (at + 4 <= jpeg.length && (jpeg[at] & 0xff) == 0xff) {
            int marker = jpeg[at + 1] & 0xff;
            int length = u16(jpeg, at + 2, true);
            if (marker == START_OF_SCAN || length < 2) {
                return NORMAL;
            }
            int body = at + 4;
            if (marker == APP1 && length >= 8 && body + 6 <= jpeg.length
                    && new String(jpeg, body, 6, java.nio.charset.StandardCharsets.ISO_8859_1).equals("Exif\0\0")) {
                return fromTiff(jpeg, body + 6, Math.min(jpeg.length, at + 2 + length));
            }
            at += 2 + length;
        }
        return NORMAL;
    }

    /** The orientation in the first directory of a TIFF structure between {@code start} and {@code end}. */
    private static Orientation fromTiff(byte[] b, int start, int end) {
        if (start + 8 > end) {
            return NORMAL;
        }
        boolean bigEndian = b[start] == 'M' && b[start + 1] == 'M';
        if (!bigEndian && !(b[start] == 'I' && b[start + 1] == 'I')) {
            return NORMAL;
        }
        long directory = start + u32(b, start + 4, bigEndian);
        if (directory + 2 > end) {
            return NORMAL;
        }
        int entries = u16(b, (int) directory, bigEndian);
        for (int i = 0; i < entries; i++) {
            int entry = (int) directory + 2 + 12 * i;
            if (entry + 12 > end) {
                return NORMAL;
            }
            if (u16(b, entry, bigEndian) == ORIENTATION_TAG) {
                int value = u16(b, entry + 8, bigEndian);
                return value >= 1 && value <= 8 ? values()[value - 1] : NORMAL;
            }
        }
        return NORMAL;
    }

    private static int u16(byte[] b, int at, boolean bigEndian) {
        int first = b[at] & 0xff;
        int second = b[at + 1] & 0xff;
        return bigEndian ? first << 8 | second : second << 8 | first;
    }

    private static long u32(byte[] b, int at, boolean bigEndian) {
        long high = u16(b, bigEndian ? at : at + 2, bigEndian);
        long low = u16(b, bigEndian ? at + 2 : at, bigEndian);
        return high << 16 | low;
    }
}
