package io.openautoglm.spark;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;

/**
 * A picture's bytes, read once: they are hashed (the skip-if-done key) and decoded from the same
 * array. Local paths and {@code file:} URIs go through java.nio; any other scheme (hdfs://,
 * s3a://, ...) through the Hadoop file system the cluster configures for it.
 */
final class PictureBytes {
    /** Larger files are refused before being read whole (a 20,000 x 20,000 PNG is far smaller). */
    static final long MAX_BYTES = 512L << 20;

    private PictureBytes() {}

    static byte[] read(String location, Configuration conf) throws IOException {
        URI uri = schemeOf(location) == null ? null : URI.create(location);
        if (uri == null || "file".equals(uri.getScheme())) {
            java.nio.file.Path file = uri == null ? java.nio.file.Path.of(location) : java.nio.file.Path.of(uri);
            if (!Files.exists(file)) {
                throw new NoSuchFileException(file.toString(), null, "no such file");
            }
            if (Files.size(file) > MAX_BYTES) {
                throw new IOException("larger than " + (MAX_BYTES >> 20) + " MB");
            }
            return Files.readAllBytes(file);
        }
        org.apache.hadoop.fs.Path path = new org.apache.hadoop.fs.Path(uri);
        FileSystem fs = path.getFileSystem(conf);
        long size = fs.getFileStatus(path).getLen();
        if (size > MAX_BYTES) {
            throw new IOException("larger than " + (MAX_BYTES >> 20) + " MB");
        }
        try (InputStream in = fs.open(path)) {
            return in.readAllBytes();
        }
    }

    /** {@code hdfs} for {@code hdfs://nn/x.png}; null for a plain path (a one-letter "scheme" is a Windows drive). */
    static String schemeOf(String location) {
        int colon = location.indexOf(':');
        if (colon < 2) {
            return null;
        }
        for (int i = 0; i < colon; i++) {
            char c = location.charAt(i);
            if (!(Character.isLetterOrDigit(c) || c == '+' || c == '-' || c == '.')) {
                return null;
            }
        }
        return location.substring(0, colon);
    }
}
