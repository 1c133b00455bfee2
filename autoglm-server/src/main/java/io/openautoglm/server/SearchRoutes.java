package io.openautoglm.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.http.Context;
import io.openautoglm.search.Filter;
import io.openautoglm.search.Hit;
import io.openautoglm.search.HitJson;
import io.openautoglm.search.SearchQuery;
import io.openautoglm.search.Searcher;
import io.openautoglm.search.VectorIndex;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Search over an open {@link VectorIndex}: {@code POST /api/search} (a text or a picture, embedded
 * through the server's {@link EmbeddingService}, so batching and the cache apply, then searched
 * through a {@link Searcher}, which re-ranks as {@code autoglm search} does when the served
 * {@link ServedParts.Search} asks for it) and {@code GET /api/thumbnail/<id>} (a small PNG of an
 * indexed picture, found by id; the file is the one the index recorded, never a path the client
 * names). Built by {@link AutoglmServer} from its parts; the index is the caller's to close.
 */
public final class SearchRoutes {
    public static final String SEARCH = "/api/search";
    public static final String THUMBNAIL = "/api/thumbnail/";
    static final int MAX_K = 100;
    /** Keys plus values in one filter: Lucene refuses a query of more than 1,024 clauses (TooManyClauses). */
    static final int MAX_FILTER_TERMS = 1_000;
    private static final Set<String> FIELDS = Set.of("text", "image", "k", "filter", "truncate");

    private final VectorIndex index;
    private final Searcher searcher;
    private final EmbeddingService service;
    private final Thumbnails thumbnails;

    /** @param searcher searches {@code index} (shared by concurrent requests: {@link Searcher} says when that is safe) */
    SearchRoutes(VectorIndex index, Searcher searcher, EmbeddingService service, long maxImagePixels) {
        this.index = index;
        this.searcher = searcher;
        this.service = service;
        this.thumbnails = new Thumbnails(maxImagePixels);
    }

    List<ApiRoute> routes() {
        // <id> (not {id}) matches slashes: ids are paths relative to the indexed folder.
        return List.of(ApiRoute.post(SEARCH, this::search), ApiRoute.get(THUMBNAIL + "<id>", this::thumbnail));
    }

    void search(Context ctx) {
        JsonBody body = JsonBody.parse(Requests.body(ctx), FIELDS);
        if (body.has("text") == body.has("image")) {
            throw ApiException.badRequest("invalid_query", "send exactly one of 'text' and 'image'");
        }
        int k = body.optionalInt("k", 10, 1, MAX_K);
        Filter filter = filter(body);
        long deadline = Requests.deadline(ctx);
        SearchQuery query;
        EmbeddingService.TextRead read = null;
        if (body.has("text")) {
            String text = body.requiredString("text");
            if (text.isBlank()) {
                throw ApiException.badRequest("invalid_field", "field 'text' is empty");
            }
            boolean truncate = body.optionalBoolean("truncate", false);
            read = service.textRead(text, truncate); // 400 past the window limit
            query = SearchQuery.ofText(text, service.embedTexts(List.of(text), truncate, deadline).get(0));
        } else {
            // The picture came as bytes, not a file: a re-ranker that needs the query text refuses it (400).
            query = new SearchQuery(null, null,
                    service.embedImages(List.of(ImageData.decode(body.requiredString("image"), "image")), deadline).get(0));
        }
        List<Hit> hits = searcher.search(query, k, filter, Math.max(k, VectorIndex.DEFAULT_CANDIDATES));

        ObjectNode root = JsonBody.MAPPER.createObjectNode();
        if (read != null) { // how the text query was read: its tokens, and windows or cut
            ObjectNode q = root.putObject("query");
            q.put("tokens", read.tokens());
            if (read.truncated()) {
                q.put("truncated", true);
            } else {
                q.put("windows", read.windows());
            }
        }
        ArrayNode results = root.putArray("results");
        for (Hit h : hits) {
            HitJson.write(results.addObject(), h).put("thumbnail_url", h.path() == null ? null : thumbnailUrl(h.id()));
        }
        Responses.json(ctx, 200, root);
    }

    /** {@code {"key": "value"}}, or {@code {"key": ["a", "b"]}} for alternatives, as the CLI's --filter. */
    private static Filter filter(JsonBody body) {
        if (!body.has("filter")) {
            return Filter.NONE;
        }
        JsonNode node = body.get("filter");
        String shape = "field 'filter' must be an object of metadata keys to a string or a list of strings";
        if (!node.isObject()) {
            throw ApiException.badRequest("invalid_field", shape);
        }
        Map<String, Set<String>> allowed = new LinkedHashMap<>();
        int terms = 0;
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            Set<String> values = new LinkedHashSet<>();
            if (e.getValue().isTextual()) {
                values.add(e.getValue().asText());
            } else if (e.getValue().isArray() && !e.getValue().isEmpty()) {
                for (JsonNode v : e.getValue()) {
                    if (!v.isTextual()) {
                        throw ApiException.badRequest("invalid_field", shape + " (key '" + e.getKey() + "')");
                    }
                    values.add(v.asText());
                }
            } else {
                throw ApiException.badRequest("invalid_field", shape + " (key '" + e.getKey() + "')");
            }
            allowed.put(e.getKey(), values);
            terms += 1 + values.size();
            if (terms > MAX_FILTER_TERMS) {
                throw ApiException.badRequest("filter_too_large", "field 'filter' holds more than " + MAX_FILTER_TERMS
                        + " keys and values in all; narrow it");
            }
        }
        return new Filter(allowed);
    }

    void thumbnail(Context ctx) {
        String id = ctx.pathParam("id");
        Hit entry = index.get(id).filter(h -> h.path() != null)
                .orElseThrow(() -> new ApiException(404, "not_found", "no indexed picture with id '" + id + "'"));
        byte[] png = thumbnails.png(entry);
        ctx.status(200).contentType("image/png").header("Cache-Control", "private, max-age=3600").result(png);
    }

    /** The thumbnail's URL for an id: each path segment percent-encoded, the slashes kept. */
    static String thumbnailUrl(String id) {
        return THUMBNAIL + java.util.Arrays.stream(id.split("/", -1))
                .map(s -> URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20"))
                .collect(Collectors.joining("/"));
    }
}
