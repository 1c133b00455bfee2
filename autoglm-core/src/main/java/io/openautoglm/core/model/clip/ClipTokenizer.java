package io.openautoglm.core.model.clip;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import com.fasterxml.jackson.databind.JsonNode;
import io.openautoglm.core.model.bert.WordPieceTokenizer;
import io.openautoglm.core.UserInputException;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * Text to token ids through the model's own {@code tokenizer.json} (Hugging Face
 * tokenizers, byte-exact with the reference; a WordPiece file, BERT's, is read by our
 * {@link WordPieceTokenizer}). Truncation keeps the end-of-text token, as OpenAI's
 * {@code tokenize(truncate=True)} does; padding uses the config's pad id.
 */
public final class ClipTokenizer implements AutoCloseable {
    /** tokenizer.json's {@code model.type} of BERT's tokenizer. */
    public static final String WORD_PIECE = "WordPiece";

    private final HuggingFaceTokenizer tokenizer; // null for WordPiece
    private final WordPieceTokenizer wordPiece; // null for every other kind
    private final ClipConfig.TextConfig config;

    public ClipTokenizer(Path tokenizerJson, ClipConfig.TextConfig config) {
        this.config = config;
        JsonNode root = ModelDirectory.readJson(tokenizerJson);
        if (WORD_PIECE.equals(root.path("model").path("type").asText())) {
            this.wordPiece = new WordPieceTokenizer(root);
            this.tokenizer = null;
            return;
        }
        this.wordPiece = null;
        try {
            this.tokenizer = HuggingFaceTokenizer.builder()
                    .optTokenizerPath(tokenizerJson)
                    .optAddSpecialTokens(true)
                    .optTruncation(false)
                    .optPadding(false)
                    .build();
        } catch (IOException | RuntimeException e) {
            throw new UserInputException(tokenizerJson + " is not a readable Hugging Face tokenizer.json: " + e.getMessage(), e);
        }
    }

    public int contextLength() {
        return config.contextLength();
    }

    /** The end-of-text token's id. */
    public long eosId() {
        return config.eosId();
    }

    /** One text to all its ids, start and end tokens included, however long (for windowing). */
    public long[] encodeFull(String text) {
        return wordPiece != null ? wordPiece.encode(text, true) : tokenizer.encode(text).getIds();
    }

    /** One text to exactly {@code contextLength} ids: start, words, end, padding; a longer text is cut. */
    public long[] encode(String text) {
        return cut(encodeFull(text));
    }

    /** Full ids (start and end included) to exactly {@code contextLength}: cut, keeping the end token, or padded. */
    public long[] cut(long[] raw) {
        int t = config.contextLength();
        long[] ids = new long[t];
        java.util.Arrays.fill(ids, config.padId());
        if (raw.length <= t) {
            System.arraycopy(raw, 0, ids, 0, raw.length);
        } else {
            System.arraycopy(raw, 0, ids, 0, t);
            ids[t - 1] = config.eosId();
        }
        return ids;
    }

    /** A batch of texts to a row-major (B, T) id matrix. */
    public long[] encodeBatch(List<String> texts) {
        int t = config.contextLength();
        long[] out = new long[texts.size() * t];
        for (int i = 0; i < texts.size(); i++) {
            System.arraycopy(encode(texts.get(i)), 0, out, i * t, t);
        }
        return out;
    }

    /** The id of a token in the vocabulary, or -1 when it has none. */
    public int tokenId(String token) {
        if (wordPiece != null) {
            return wordPiece.id(token);
        }
        long[] ids = tokenizer.encode(token, false, false).getIds();
        String[] tokens = tokenizer.encode(token, false, false).getTokens();
        return ids.length == 1 && tokens[0].equals(token) ? (int) ids[0] : -1;
    }

    /** Token ids back to text, special tokens dropped; word-level vocabularies get no space before punctuation. */
    public String decode(long[] ids) {
        String text = wordPiece != null ? wordPiece.decode(ids) : tokenizer.decode(ids, true);
        return text.replaceAll(" ([,.?!;:])", "$1").strip();
    }

    @Override
    public void close() {
        if (tokenizer != null) {
            tokenizer.close();
        }
    }
}
