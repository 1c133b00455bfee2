package io.openautoglm.search;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Map;

/**
 * One search result as JSON, the same for the HTTP API and the CLI: {@code id}, {@code score} and
 * {@code metadata} (keys sorted, so the bytes do not depend on how the index stored them). The CLI
 * adds the picture's {@code path} after the id; the server adds {@code thumbnail_url} after the
 * metadata (callers append their own fields to the node returned).
 */
public final class HitJson {
    private HitJson() {}

    /** Writes {@code {"id", "score", "metadata"}} into {@code out} and returns it. */
    public static ObjectNode write(ObjectNode out, Hit hit) {
        return write(out, hit, false);
    }

    /** Writes {@code {"id", "path", "score", "metadata"}} into {@code out} and returns it. */
    public static ObjectNode writeWithPath(ObjectNode out, Hit hit) {
        return write(out, hit, true);
    }

    private static ObjectNode write(ObjectNode out, Hit hit, boolean withPath) {
        out.put("id", hit.id());
        if (withPath) {
            out.put("path", hit.path());
        }
        out.put("score", hit.score());
        ObjectNode meta = out.putObject("metadata");
        hit.metadata().entrySet().stream().sorted(Map.Entry.comparingByKey()).forEach(e -> meta.put(e.getKey(), e.getValue()));
        return out;
    }
}
