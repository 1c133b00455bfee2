package io.openautoglm.server;

import io.openautoglm.core.UserInputException;
import io.openautoglm.core.image.ImageLoader;
import io.openautoglm.core.image.ImageTooLargeException;
import io.openautoglm.core.image.RgbImage;
import java.util.Base64;
import java.util.Locale;

/**
 * Pictures inside JSON: a data URL ({@code data:image/png;base64,...}) or bare base64 of the file
 * bytes. Decoding the picture itself (and its pixel limit) happens later, in the model service.
 */
public final class ImageData {
    private ImageData() {}

    /** Whether an embeddings input string is a picture rather than text. */
    public static boolean isDataUrl(String s) {
        return s.regionMatches(true, 0, "data:image/", 0, 11);
    }

    /** The file bytes of a data URL or bare base64 string; 400 {@code invalid_base64} if it is neither. */
    public static byte[] decode(String value, String field) {
        String payload = value;
        if (value.regionMatches(true, 0, "data:", 0, 5)) {
            int comma = value.indexOf(',');
            String header = comma < 0 ? value : value.substring(0, comma);
            if (comma < 0 || !header.toLowerCase(Locale.ROOT).endsWith(";base64")) {
                throw ApiException.badRequest("invalid_base64", "field '" + field
                        + "' is a data URL without ';base64,': send data:image/...;base64,<bytes>");
            }
            if (!header.toLowerCase(Locale.ROOT).startsWith("data:image/")) {
                throw ApiException.badRequest("invalid_image", "field '" + field + "' is a data URL of "
                        + header.substring(5) + ", not an image");
            }
            payload = value.substring(comma + 1);
        }
        try {
            // Line breaks are allowed (some encoders wrap at 76); any other stray character is an error.
            byte[] bytes = Base64.getDecoder().decode(payload.replaceAll("[\\r\\n ]", ""));
            if (bytes.length == 0) {
                throw ApiException.badRequest("invalid_base64", "field '" + field + "' holds no bytes");
            }
            return bytes;
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest("invalid_base64", "field '" + field + "' is not valid base64: " + e.getMessage());
        }
    }

    /** Decodes picture bytes: 413 {@code image_too_large} over the loader's pixel limit, 400 {@code invalid_image} when unreadable. */
    public static RgbImage toImage(ImageLoader loader, byte[] bytes, String name) {
        try {
            return loader.load(bytes, name);
        } catch (ImageTooLargeException e) {
            // The loader's advice (raise ImageLoader maxPixels) is for library users; a client cannot.
            throw new ApiException(413, "image_too_large", e.getMessage().replaceFirst(" \\(a guard.*$", "")
                    + " set for this server");
        } catch (UserInputException e) {
            throw ApiException.badRequest("invalid_image", e.getMessage());
        }
    }
}
