package io.openautoglm.core.model.bert;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.text.Normalizer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * BERT's tokenizer, read from a Hugging Face {@code tokenizer.json} whose model is WordPiece: the
 * BertNormalizer (clean text, space around CJK characters, strip accents, lowercase), the
 * BertPreTokenizer (split on whitespace, each punctuation character a word of its own), greedy
 * longest-match-first WordPiece with the {@code ##} continuation prefix (a word that cannot be
 * covered becomes [UNK]), and the [CLS] .. [SEP] template. Pure Java; the parity test checks it
 * against the Rust tokenizers library and the fixture's reference ids.
 */
public final class WordPieceTokenizer {
    /** BERT's default normalizer (lowercase, accents stripped, CJK spaced) and no vocabulary: for {@link #basicWords}. */
    private static final WordPieceTokenizer BASIC = new WordPieceTokenizer(JsonNodeFactory.instance.objectNode()
            .set("normalizer", JsonNodeFactory.instance.objectNode().put("type", "BertNormalizer")));

    private final Map<String, Integer> vocab;
    private final String[] byId;
    private final String unk;
    private final String prefix;
    private final int maxCharsPerWord;
    private final boolean cleanText;
    private final boolean chineseChars;
    private final boolean stripAccents;
    private final boolean lowercase;
    private final String cls;
    private final String sep;
    private final Set<Integer> specialIds = new HashSet<>();

    /** @param root a tokenizer.json whose {@code model.type} is WordPiece (the caller checks) */
    public WordPieceTokenizer(JsonNode root) {
        JsonNode model = root.path("model");
        vocab = new HashMap<>();
        model.path("vocab").fields().forEachRemaining(e -> vocab.put(e.getKey(), e.getValue().asInt()));
        int size = vocab.values().stream().mapToInt(i -> i + 1).max().orElse(0);
        byId = new String[size];
        vocab.forEach((token, id) -> byId[id] = token);
        unk = model.path("unk_token").asText("[UNK]");
        prefix = model.path("continuing_subword_prefix").asText("##");
        maxCharsPerWord = model.path("max_input_chars_per_word").asInt(100);
        JsonNode normalizer = root.path("normalizer");
        boolean bert = "BertNormalizer".equals(normalizer.path("type").asText());
        cleanText = bert && normalizer.path("clean_text").asBoolean(true);
        chineseChars = bert && normalizer.path("handle_chinese_chars").asBoolean(true);
        lowercase = bert && normalizer.path("lowercase").asBoolean(true);
        JsonNode strip = normalizer.path("strip_accents");
        stripAccents = bert && (strip.isBoolean() ? strip.asBoolean() : lowercase); // null: follows lowercase, as BERT's
        JsonNode post = root.path("post_processor");
        JsonNode single = post.path("single");
        if (post.has("cls") && post.has("sep")) { // BertProcessing: "cls": ["[CLS]", 101]
            cls = post.path("cls").path(0).asText("[CLS]");
            sep = post.path("sep").path(0).asText("[SEP]");
        } else if (single.isArray() && single.size() > 0) { // TemplateProcessing: the first and last special tokens
            cls = single.get(0).path("SpecialToken").path("id").asText("[CLS]");
            sep = single.get(single.size() - 1).path("SpecialToken").path("id").asText("[SEP]");
        } else {
            cls = "[CLS]";
            sep = "[SEP]";
        }
        root.path("added_tokens").forEach(t -> {
            if (t.path("special").asBoolean(false)) {
                specialIds.add(t.path("id").asInt());
            }
        });
    }

    /**
     * The words BERT's default normalizer and pre-tokenizer make of a text (lowercased, accents
     * stripped, every CJK character and punctuation mark a word): what a vocabulary for training
     * from scratch is built from, so every word it holds is one WordPiece token.
     */
    public static List<String> basicWords(String text) {
        return preTokenize(BASIC.normalize(text));
    }

    /** The id of a token, or -1 when the vocabulary lacks it. */
    public int id(String token) {
        return vocab.getOrDefault(token, -1);
    }

    public int vocabSize() {
        return byId.length;
    }

    /** The [CLS] id (what starts every text), -1 when the vocabulary has none. */
    public int clsId() {
        return id(cls);
    }

    /** The [SEP] id (what ends every text), -1 when the vocabulary has none. */
    public int sepId() {
        return id(sep);
    }

    /** Text to ids: [CLS], the word pieces, [SEP] (without them when {@code withSpecials} is false). */
    public long[] encode(String text, boolean withSpecials) {
        List<String> pieces = tokens(text);
        int extra = withSpecials ? 2 : 0;
        long[] ids = new long[pieces.size() + extra];
        int at = 0;
        if (withSpecials) {
            ids[at++] = clsId();
        }
        for (String piece : pieces) {
            ids[at++] = vocab.get(piece);
        }
        if (withSpecials) {
            ids[at] = sepId();
        }
        return ids;
    }

    /** Text to word pieces (no special tokens); every piece is in the vocabulary. */
    public List<String> tokens(String text) {
        List<String> out = new ArrayList<>();
        for (String word : preTokenize(normalize(text))) {
            out.addAll(wordPieces(word));
        }
        return out;
    }

    /** Ids back to text: pieces joined with spaces, {@code ##} pieces glued to the one before, special tokens dropped. */
    public String decode(long[] ids) {
        StringBuilder text = new StringBuilder();
        for (long id : ids) {
            if (id < 0 || id >= byId.length || byId[(int) id] == null || specialIds.contains((int) id)) {
                continue;
            }
            String token = byId[(int) id];
            if (token.startsWith(prefix) && text.length() > 0) {
                text.append(token, prefix.length(), token.length());
            } else {
                text.append(text.length() > 0 ? " " : "").append(token);
            }
        }
        return text.toString();
    }

    /** BertNormalizer: clean text, CJK characters spaced, accents stripped, lowercase. */
    String normalize(String text) {
        StringBuilder out = new StringBuilder(text.length() + 8);
        text.codePoints().forEach(cp -> {
            if (cleanText) {
                if (cp == 0 || cp == 0xFFFD || isControl(cp)) {
                    return;
                }
                if (isWhitespace(cp)) {
                    out.append(' ');
                    return;
                }
            }
            if (chineseChars && isChinese(cp)) {
                out.append(' ').appendCodePoint(cp).append(' ');
            } else {
                out.appendCodePoint(cp);
            }
        });
        String s = out.toString();
        if (stripAccents) {
            StringBuilder stripped = new StringBuilder(s.length());
            Normalizer.normalize(s, Normalizer.Form.NFD).codePoints()
                    .filter(cp -> Character.getType(cp) != Character.NON_SPACING_MARK)
                    .forEach(stripped::appendCodePoint);
            s = stripped.toString();
        }
        return lowercase ? s.toLowerCase(Locale.ROOT) : s;
    }

    /** BertPreTokenizer: words split on whitespace, every punctuation character a word of its own. */
    static List<String> preTokenize(String text) {
        List<String> words = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        text.codePoints().forEach(cp -> {
            if (isWhitespace(cp) || isPunctuation(cp)) {
                if (current.length() > 0) {
                    words.add(current.toString());
                    current.setLength(0);
                }
                if (!isWhitespace(cp)) {
                    words.add(new String(Character.toChars(cp)));
                }
            } else {
                current.appendCodePoint(cp);
            }
        });
        if (current.length() > 0) {
            words.add(current.toString());
        }
        return words;
    }

    /** Greedy longest match first; [UNK] for the whole word when some part has no piece. */
    private List<String> wordPieces(String word) {
        int[] cps = word.codePoints().toArray();
        if (cps.length > maxCharsPerWord) {
            return List.of(unk);
        }
        List<String> pieces = new ArrayList<>();
        int start = 0;
        while (start < cps.length) {
            String found = null;
            int end = cps.length;
            for (; end > start; end--) {
                String piece = (start > 0 ? prefix : "") + new String(cps, start, end - start);
                if (vocab.containsKey(piece)) {
                    found = piece;
                    break;
                }
            }
            if (found == null) {
                return List.of(unk);
            }
            pieces.add(found);
            start = end;
        }
        return pieces;
    }

    private static boolean isWhitespace(int cp) {
        return cp == '\t' || cp == '\n' || cp == '\r' || Character.isWhitespace(cp) || Character.isSpaceChar(cp);
    }

    private static boolean isControl(int cp) {
        if (cp == '\t' || cp == '\n' || cp == '\r') {
            return false;
        }
        int type = Character.getType(cp);
        return type == Character.CONTROL || type == Character.FORMAT || type == Character.UNASSIGNED
                || type == Character.PRIVATE_USE || type == Character.SURROGATE;
    }

    private static boolean isPunctuation(int cp) {
        if ((cp >= 33 && cp <= 47) || (cp >= 58 && cp <= 64) || (cp >= 91 && cp <= 96) || (cp >= 123 && cp <= 126)) {
            return true; // ASCII symbols count as punctuation in BERT, as its reference tokenizer does
        }
        return switch (Character.getType(cp)) {
            case Character.CONNECTOR_PUNCTUATION, Character.DASH_PUNCTUATION, Character.START_PUNCTUATION,
                    Character.END_PUNCTUATION, Character.INITIAL_QUOTE_PUNCTUATION, Character.FINAL_QUOTE_PUNCTUATION,
                    Character.OTHER_PUNCTUATION -> true;
            default -> false;
        };
    }

    private static boolean isChinese(int cp) {
        return (cp >= 0x4E00 && cp <= 0x9FFF) || (cp >= 0x3400 && cp <= 0x4DBF) || (cp >= 0x20000 && cp <= 0x2A6DF)
                || (cp >= 0x2A700 && cp <= 0x2B73F) || (cp >= 0x2B740 && cp <= 0x2B81F) || (cp >= 0x2B820 && cp <= 0x2CEAF)
                || (cp >= 0xF900 && cp <= 0xFAFF) || (cp >= 0x2F800 && cp <= 0x2FA1F);
    }
}
