package dev.mxspec.homeserver.media;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.zip.CRC32;
import javax.imageio.ImageIO;

/** Images made for tests: encoded photos and drawings, and files that only claim to be images. */
public final class TestImages {

    private TestImages() {}

    /** A JPEG of {@code width} by {@code height}: three vertical bands, red, green and blue, left to right. */
    public static byte[] jpeg(int width, int height) {
        return encode(bands(width, height, BufferedImage.TYPE_INT_RGB), "jpeg");
    }

    /** A PNG without transparency, in three bands like {@link #jpeg}. */
    public static byte[] png(int width, int height) {
        return encode(bands(width, height, BufferedImage.TYPE_INT_RGB), "png");
    }

    /** A PNG whose border ({@code width / 10} wide) is transparent around an opaque red middle. */
    public static byte[] pngWithAlpha(int width, int height) {
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_ARGB);
        Graphics2D g = image.createGraphics();
        g.setColor(Color.RED);
        g.fillRect(width / 10, height / 10, width - width / 5, height - height / 5);
        g.dispose();
        return encode(image, "png");
    }

    /**
     * A JPEG like {@link #jpeg} with an EXIF segment (big-endian TIFF, one entry) giving its orientation: 6 for
     * pixels to be turned 90 degrees clockwise for display, 8 anticlockwise, 3 half a turn.
     */
    public static byte[] jpegWithOrientation(int width, int height, int orientation) {
        byte[] jpeg = jpeg(width, height);
        byte[] tiff = {'M', 'M', 0, 42, 0, 0, 0, 8, 0, 1, 0x01, 0x12, 0, 3, 0, 0, 0, 1, 0, (byte) orientation, 0, 0, 0, 0, 0, 0};
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(jpeg, 0, 2);
        int length = 2 + 6 + tiff.length;
        out.writeBytes(new byte[] {(byte) 0xff, (byte) 0xe1, (byte) (length >> 8), (byte) length, 'E', 'x', 'i', 'f', 0, 0});
        out.writeBytes(tiff);
        out.write(jpeg, 2, jpeg.length - 2);
        return out.toByteArray();
    }

    /** A lossy WebP of 400 by 300 in three bands like {@link #jpeg} (made with {@code cwebp -q 80}). */
    public static byte[] webp() {
        return java.util.Base64.getDecoder().decode("UklGRsgBAABXRUJQVlA4ILwBAABQJQCdASqQASwBPm02mEkkIqKhIqgAgA2JZ27hdgEbAV/gBpmvwA/Y6nAf0D8Vd7/z"
                + "gD+gZQB+oABPxjh4RnXmNnUPq8N0qp/76sebU096GEJCRbx19MY4fCEj1Jbjh70Mqgqx5tTT4NJar4h3Zc9q7U0+EJFvDx9Y1zBtafCEj6x4gwhISLeOvpjH"
                + "D4QkepLccPehlUFWPNqafBpLVfEO7LntXamnwhIt4ePrGuYNrT4QkfWPEGEJCRbx19MY4fCEj1Jbjh70Mqgqx5tTT4NJar4h3Zc9q7U0+EJFvDx9Y1zBtafC"
                + "Ej6x4gwhISLeOvpjHD4QkepLccPehlUFWPNqafBpLVfEO7LntXamnwhIt4ePrGuYNrT4QkfWPEGEJCRbx19MY4fCEj1Jbjh70Mqgqx4YAP7/KL79ISLd8tVf"
                + "6QtN0qg/+PimdpmDrg97m3HL5XqX+QzqjSMmTt2/En8rWNW2o96xv6N//FuQxeN2/5b+o9P+J5y/b5+yT1FvkkyqT77ViaAfVTSpfQD6u8rdEzCkOY01b8wN"
                + "gC6QLpAukC6QLpAukC6QLpAukC6QLpAukC6QLpAukC6QIAA=");
    }

    /** A lossless WebP of 400 by 300 like {@link #pngWithAlpha} (made with {@code cwebp -lossless}). */
    public static byte[] webpWithAlpha() {
        return java.util.Base64.getDecoder().decode("UklGRjAAAABXRUJQVlA4TCQAAAAvj8FKEA8Q8x/zHwylbRsw+f/p8uIV0f8JIN/L9v67/56rWA8=");
    }

    /** A GIF of {@code width} by {@code height}. */
    public static byte[] gif(int width, int height) {
        return encode(bands(width, height, BufferedImage.TYPE_INT_RGB), "gif");
    }

    /** A valid PNG header claiming {@code width} by {@code height} pixels, with a few bytes of image data and no more. */
    public static byte[] pngClaiming(int width, int height) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'});
        chunk(out, "IHDR", ByteBuffer.allocate(13).putInt(width).putInt(height).put((byte) 8).put((byte) 2).put((byte) 0).put((byte) 0)
                .put((byte) 0).array());
        chunk(out, "IDAT", new byte[] {0x78, (byte) 0x9c, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01});
        chunk(out, "IEND", new byte[0]);
        return out.toByteArray();
    }

    /** A small JPEG whose frame header is changed to claim {@code width} by {@code height} pixels. */
    public static byte[] jpegClaiming(int width, int height) {
        byte[] jpeg = jpeg(16, 16);
        for (int i = 2; i + 8 < jpeg.length; i++) {
            if ((jpeg[i] & 0xff) == 0xff && (jpeg[i + 1] & 0xff) == 0xc0) { // SOF0: length (2), precision (1), height (2), width (2)
                jpeg[i + 5] = (byte) (height >> 8);
                jpeg[i + 6] = (byte) height;
                jpeg[i + 7] = (byte) (width >> 8);
                jpeg[i + 8] = (byte) width;
                return jpeg;
            }
        }
        throw new IllegalStateException("no SOF0 in the JPEG");
    }

    /** The decoded image. */
    public static BufferedImage decode(byte[] bytes) {
        try {
            BufferedImage image = ImageIO.read(new ByteArrayInputStream(bytes));
            if (image == null) {
                throw new IllegalArgumentException("not an image");
            }
            return image;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static BufferedImage bands(int width, int height, int type) {
        BufferedImage image = new BufferedImage(width, height, type);
        Graphics2D g = image.createGraphics();
        Color[] colors = {Color.RED, Color.GREEN, Color.BLUE};
        for (int i = 0; i < 3; i++) {
            g.setColor(colors[i]);
            g.fillRect(width * i / 3, 0, width * (i + 1) / 3 - width * i / 3, height);
        }
        g.dispose();
        return image;
    }

    private static byte[] encode(BufferedImage image, String format) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            if (!ImageIO.write(image, format, out)) {
                throw new IllegalStateException("no writer for " + format);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    private static void chunk(ByteArrayOutputStream out, String type, byte[] data) {
        out.writeBytes(ByteBuffer.allocate(4).putInt(data.length).array());
        byte[] name = type.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        out.writeBytes(name);
        out.writeBytes(data);
        CRC32 crc = new CRC32();
        crc.update(name);
        crc.update(data);
        out.writeBytes(ByteBuffer.allocate(4).putInt((int) crc.getValue()).array());
    }
}
