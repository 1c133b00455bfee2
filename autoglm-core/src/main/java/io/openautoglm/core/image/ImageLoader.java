package io.openautoglm.core.image;

import io.openautoglm.core.UserInputException;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.event.IIOReadWarningListener;
import javax.imageio.metadata.IIOMetadata;
import javax.imageio.stream.ImageInputStream;
import org.w3c.dom.Node;

/**
 * Decodes picture files into {@link RgbImage}s the way the reference (Pillow) sees them: stored
 * sample values, no colour management, no EXIF rotation, 16-bit samples cut to their high byte.
 *
 * <p>Every user mistake (missing, empty, not a picture, corrupt, too large) is one
 * {@link UserInputException} whose message names the file. The size is checked from the header,
 * before any pixel is decoded, so a small file that claims billions of pixels (a decompression
 * bomb) costs nothing. Thread-safe: each call uses its own reader.
 */
public final class ImageLoader {

    /** Pillow's {@code Image.MAX_IMAGE_PIXELS}: about 0.25 GiB of 24-bit pixels. */
    public static final long DEFAULT_MAX_PIXELS = 89_478_485L;

    static {
        // Registers the TwelveMonkeys readers (CMYK/progressive JPEG, TIFF, BMP, WebP) even when
        // ImageIO was first touched from a class loader that could not see them (servlets, fat jars).
        ImageIO.scanForPlugins();
        ImageIO.setUseCache(false); // decode in memory; no temp files behind the user's back
    }

    /**
     * The most elongated picture decoded (long side over short side). Past it a picture is refused
     * from its header: a 1 x 16,777,216 PNG is a 65 KB file whose decode takes seconds of a decoder
     * for one column of pixels, and no model reads such a strip meaningfully.
     */
    public static final int MAX_ASPECT_RATIO = 1_000;

    private final long maxPixels;

    public ImageLoader() {
        this(DEFAULT_MAX_PIXELS);
    }

    public ImageLoader(long maxPixels) {
        if (maxPixels <= 0) {
            throw new IllegalArgumentException("maxPixels must be positive, got " + maxPixels);
        }
        this.maxPixels = maxPixels;
    }

    public long maxPixels() {
        return maxPixels;
    }

    public RgbImage load(Path file) {
        if (!Files.exists(file)) {
            throw new UserInputException("Image file not found: " + file);
        }
        if (Files.isDirectory(file)) {
            throw new UserInputException("Expected an image file but got a directory: " + file);
        }
        try {
            if (Files.size(file) == 0) {
                throw new UserInputException("Image file is empty (0 bytes): " + file);
            }
            try (ImageInputStream in = ImageIO.createImageInputStream(file.toFile())) {
                if (in == null) {
                    throw new UserInputException("Cannot open image file: " + file);
                }
                return decode(in, file.toString());
            }
        } catch (IOException e) {
            throw new UserInputException("Cannot read image file " + file + ": " + e.getMessage(), e);
        }
    }

    /** Same as {@link #load(Path)} for bytes already in memory (an upload); {@code nameForErrors} names them in messages. */
    public RgbImage load(byte[] bytes, String nameForErrors) {
        String name = nameForErrors == null ? "image" : nameForErrors;
        if (bytes == null || bytes.length == 0) {
            throw new UserInputException("Image " + name + " is empty (0 bytes)");
        }
        try (ImageInputStream in = ImageIO.createImageInputStream(new ByteArrayInputStream(bytes))) {
            return decode(in, name);
        } catch (IOException e) {
            throw new UserInputException("Cannot read image " + name + ": " + e.getMessage(), e);
        }
    }

    /** Any BufferedImage to 8-bit RGB (and its alpha, if it has a real one). */
    public static RgbImage fromBufferedImage(BufferedImage img) {
        return PixelExtractor.extract(img, img.getColorModel().hasAlpha());
    }

    private RgbImage decode(ImageInputStream in, String name) {
        Iterator<ImageReader> readers = ImageIO.getImageReaders(in);
        if (!readers.hasNext()) {
            throw new UserInputException(name + " is not an image in a supported format"
                    + " (PNG, JPEG, GIF, BMP, TIFF, WebP)");
        }
        ImageReader reader = readers.next();
        String format = formatName(reader);
        List<String> warnings = new ArrayList<>();
        try {
            reader.setInput(in, true, true);
            reader.addIIOReadWarningListener(collect(warnings));
            int w = reader.getWidth(0);
            int h = reader.getHeight(0);
            long pixels = (long) w * h;
            if (pixels > maxPixels) {
                throw new ImageTooLargeException(String.format(Locale.ROOT,
                        "%s is %dx%d = %d pixels, over the limit of %d pixels (a guard against"
                                + " decompression bombs); raise the image pixel limit (ImageLoader maxPixels)"
                                + " if you trust this file", name, w, h, pixels, maxPixels));
            }
            if (w <= 0 || h <= 0) {
                throw new UserInputException(name + " has an invalid size " + w + "x" + h);
            }
            if (Math.max(w, h) > (long) Math.min(w, h) * MAX_ASPECT_RATIO) {
                throw new UserInputException(String.format(Locale.ROOT, "%s is %dx%d, more elongated than %d:1;"
                        + " crop it or pad it closer to square", name, w, h, MAX_ASPECT_RATIO));
            }
            BufferedImage img = reader.read(0);
            for (String warning : warnings) {
                // libjpeg-style readers pad a cut-off file with grey and only warn; Pillow refuses it
                String lower = warning.toLowerCase(Locale.ROOT);
                if (lower.contains("premature end") || lower.contains("truncat")) {
                    throw new UserInputException(name + " is corrupt or truncated (" + format + "): " + warning);
                }
            }
            return PixelExtractor.extract(img, keepsAlpha(format, reader));
        } catch (UserInputException e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            // Corrupt data surfaces as IIOException, EOFException, or a RuntimeException deep
            // inside a plugin (IndexOutOfBounds, IllegalArgument); all mean the same to a user.
            throw new UserInputException(name + " is corrupt or truncated and could not be decoded as "
                    + format + ": " + describe(e), e);
        } finally {
            reader.dispose();
        }
    }

    /**
     * Whether the reference would resample this picture with its alpha (Pillow modes RGBA/LA).
     * A PNG palette or tRNS transparency opens in Pillow as mode P or RGB with a
     * "transparency" note, not as an alpha channel, so that alpha is not kept.
     */
    private static boolean keepsAlpha(String format, ImageReader reader) throws IOException {
        if (!format.equals("PNG")) {
            return true;
        }
        IIOMetadata meta = reader.getImageMetadata(0);
        if (meta == null || !"javax_imageio_png_1.0".equals(meta.getNativeMetadataFormatName())) {
            return true;
        }
        for (Node n = meta.getAsTree("javax_imageio_png_1.0").getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n.getNodeName().equals("IHDR")) {
                String colorType = n.getAttributes().getNamedItem("colorType").getNodeValue();
                return colorType.equals("RGBAlpha") || colorType.equals("GrayAlpha");
            }
        }
        return true;
    }

    private static String formatName(ImageReader reader) {
        try {
            return reader.getFormatName().toUpperCase(Locale.ROOT);
        } catch (IOException e) {
            return "an image";
        }
    }

    private static String describe(Throwable e) {
        String msg = e.getMessage();
        Throwable cause = e.getCause();
        if (cause != null && cause.getMessage() != null && !cause.getMessage().equals(msg)) {
            msg = (msg == null ? "" : msg + ": ") + cause.getMessage();
        }
        return msg == null ? e.getClass().getSimpleName() : msg.replace('\n', ' ');
    }

    private static IIOReadWarningListener collect(List<String> warnings) {
        return (source, warning) -> warnings.add(warning);
    }
}
