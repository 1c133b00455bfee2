package io.openautoglm.server;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.http.Context;
import io.javalin.http.Handler;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Set;

/**
 * {@code POST /v1/embeddings}, OpenAI's request and response shape: {@code input} is a string or a
 * list; strings that are {@code data:image/...;base64,} URLs are pictures, the rest texts. Vectors
 * are L2-normalized. {@code encoding_format: "base64"} (what OpenAI's Python client asks for by
 * default) returns little-endian float32 bytes in base64. A text longer than the context is
 * embedded in pooled windows (400 past the window limit); our own field {@code truncate: true}
 * cuts it to the context instead. {@code usage} counts the tokens the model read.
 */
final class EmbeddingsRoute implements Handler {
    private static final Set<String> FIELDS = Set.of("input", "model", "encoding_format", "dimensions", "user", "truncate");

    private final EmbeddingService service;
    private final int maxInputs;

    EmbeddingsRoute(EmbeddingService service, int maxInputs) {
        this.service = service;
        this.maxInputs = maxInputs;
    }

    @Override
    public void handle(Context ctx) {
        JsonBody body = JsonBody.parse(Requests.body(ctx), FIELDS);
        String model = body.requiredString("model");
        if (!model.equals(service.modelName())) {
            throw ApiException.badRequest("model_not_found", "this server serves model '" + service.modelName()
                    + "', not '" + model + "'");
        }
        List<String> inputs = body.stringList("input", true, true, maxInputs);
        boolean truncate = body.optionalBoolean("truncate", false);
        String encoding = body.optionalString("encoding_format", "float");
        if (!encoding.equals("float") && !encoding.equals("base64")) {
            throw ApiException.badRequest("invalid_field", "field 'encoding_format' must be \"float\" or \"base64\"");
        }
        int dims = body.optionalInt("dimensions", service.dimensions(), 1, Integer.MAX_VALUE);
        if (dims != service.dimensions()) {
            throw ApiException.badRequest("invalid_field", "this model's embeddings have " + service.dimensions()
                    + " dimensions; 'dimensions' cannot change that");
        }

        // Texts and pictures go to their own model functions; answers come back in input order.
        List<Integer> textAt = new ArrayList<>();
        List<String> texts = new ArrayList<>();
        List<Integer> imageAt = new ArrayList<>();
        List<byte[]> images = new ArrayList<>();
        for (int i = 0; i < inputs.size(); i++) {
            String s = inputs.get(i);
            if (ImageData.isDataUrl(s)) {
                imageAt.add(i);
                images.add(ImageData.decode(s, "input[" + i + "]"));
            } else {
                textAt.add(i);
                texts.add(s);
            }
        }
        int tokens = 0;
        int context = service.model().config().text().contextLength();
        for (String text : texts) {
            tokens += service.textRead(text, truncate).tokensRead(context); // 400 here for a text past the window limit
        }
        long deadline = Requests.deadline(ctx);
        float[][] out = new float[inputs.size()][];
        List<float[]> imageVectors = images.isEmpty() ? List.of() : service.embedImages(images, deadline);
        List<float[]> textVectors = texts.isEmpty() ? List.of() : service.embedTexts(texts, truncate, deadline);
        for (int k = 0; k < imageAt.size(); k++) {
            out[imageAt.get(k)] = imageVectors.get(k);
        }
        for (int k = 0; k < textAt.size(); k++) {
            out[textAt.get(k)] = textVectors.get(k);
        }

        ObjectNode root = JsonBody.MAPPER.createObjectNode();
        root.put("object", "list");
        ArrayNode data = root.putArray("data");
        for (int i = 0; i < out.length; i++) {
            ObjectNode item = data.addObject();
            item.put("object", "embedding");
            item.put("index", i);
            if (encoding.equals("base64")) {
                item.put("embedding", base64(out[i]));
            } else {
                ArrayNode v = item.putArray("embedding");
                for (float f : out[i]) {
                    v.add(f);
                }
            }
        }
        root.put("model", service.modelName());
        ObjectNode usage = root.putObject("usage");
        usage.put("prompt_tokens", tokens);
        usage.put("total_tokens", tokens);
        Responses.json(ctx, 200, root);
    }

    private static String base64(float[] v) { // little-endian float32, as OpenAI's clients decode it
        ByteBuffer b = ByteBuffer.allocate(v.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (float f : v) {
            b.putFloat(f);
        }
        return Base64.getEncoder().encodeToString(b.array());
    }
}
