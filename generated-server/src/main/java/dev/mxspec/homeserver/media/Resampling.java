package dev.mxspec.homeserver.media;

import java.awt.AlphaComposite;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;

/**
 * Scaling down with Java2D in steps: each step at most halves a side, with bilinear interpolation,
 * so every source pixel contributes (one bilinear step straight to a small size skips most of them
 * and aliases). Images with transparency are scaled premultiplied, so transparent pixels do not
 * darken the edges.
 */
final class Resampling {

    private Resampling() {}

    /** {@code image} scaled to {@code width} by {@code height} (no larger than it), RGB, or ARGB when {@code alpha}. */
    static BufferedImage downscale(BufferedImage image, int width, int height, boolean alpha) {
        BufferedImage current = image;
        int w = image.getWidth();
        int h = image.getHeight();
        do {
            w = Math.max(width, w / 2);
            h = Math.max(height, h / 2);
            current = draw(current, w, h, alpha ? BufferedImage.TYPE_INT_ARGB_PRE : BufferedImage.TYPE_INT_RGB);
        } while (w != width || h != height);
        return alpha ? draw(current, width, height, BufferedImage.TYPE_INT_ARGB) : current;
    }

    private static BufferedImage draw(BufferedImage source, int width, int height, int type) {
        BufferedImage target = new BufferedImage(width, height, type);
        Graphics2D g = target.createGraphics();
        try {
            g.setComposite(AlphaComposite.Src);
            g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
            g.setRenderingHint(RenderingHints.KEY_RENDERING, RenderingHints.VALUE_RENDER_QUALITY);
            g.drawImage(source, 0, 0, width, height, null);
        } finally {
            g.dispose();
        }
        return target;
    }
}
