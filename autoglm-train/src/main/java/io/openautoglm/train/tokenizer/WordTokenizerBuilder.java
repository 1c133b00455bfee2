package io.openautoglm.train.tokenizer;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.openautoglm.core.io.AtomicFiles;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Builds a word-level Hugging Face {@code tokenizer.json} from training captions, for models
 * trained from scratch (we cannot ship CLIP's BPE vocabulary). Lowercase, words and punctuation
 * split as the tokenizers library's {@code Whitespace} pre-tokenizer does, unknown words to
 * {@code <unk>}; start and end tokens are the two highest ids, as in CLIP, so end-of-text pooling
 * by argmax also finds the end.
 */
public final class WordTokenizerBuilder {
    public static final String PAD = "<pad>";
    public static final String UNK = "<unk>";
    public static final String BOS = "<|startoftext|>";
    public static final String EOS = "<|endoftext|>";
    /** The same split as tokenizers' Whitespace pre-tokenizer: runs of word characters, runs of punctuation. */
    private static final Pattern WORDS = Pattern.compile("\\w+|[^\\w\\s]+", Pattern.UNICODE_CHARACTER_CLASS);
    private static final ObjectMapper JSON = new ObjectMapper();

    /** A vocabulary: ids in order, pad first, unk second, words, then start and end. */
    public record Vocabulary(List<String> tokens) {
        public int size() {
            return tokens.size();
        }

        public int padId() {
            return 0;
        }

        public int bosId() {
            return tokens.size() - 2;
        }

        public int eosId() {
            return tokens.size() - 1;
        }
    }

    private WordTokenizerBuilder() {}

    public static List<String> words(String text) {
        List<String> out = new ArrayList<>();
        Matcher m = WORDS.matcher(text.toLowerCase(Locale.ROOT));
        while (m.find()) {
            out.add(m.group());
        }
        return out;
    }

    /**
     * Words seen at least {@code minCount} times, most frequent first (ties alphabetical), at most
     * {@code maxWords}; {@code alwaysInclude} words come first whatever their count.
     */
    public static Vocabulary vocabulary(Collection<String> texts, Collection<String> alwaysInclude, int minCount, int maxWords) {
        Map<String, Integer> counts = new HashMap<>();
        for (String t : texts) {
            for (String w : words(t)) {
                counts.merge(w, 1, Integer::sum);
            }
        }
        List<String> tokens = new ArrayList<>(List.of(PAD, UNK));
        for (String w : alwaysInclude) {
            for (String part : words(w)) {
                if (!tokens.contains(part)) {
                    tokens.add(part);
                }
            }
        }
        counts.entrySet().stream()
                .filter(e -> e.getValue() >= minCount && !tokens.contains(e.getKey()))
                .sorted((a, b) -> a.getValue().equals(b.getValue()) ? a.getKey().compareTo(b.getKey()) : b.getValue() - a.getValue())
                .limit(Math.max(0, maxWords - tokens.size() + 2))
                .forEach(e -> tokens.add(e.getKey()));
        tokens.add(BOS);
        tokens.add(EOS);
        return new Vocabulary(List.copyOf(tokens));
    }

    /**
     * A vocabulary of ours grown by the words of {@code texts} it lacks (most frequent first), up to
     * {@code maxWords}: known words keep their ids; start and end move to the new last two ids.
     *
     * @param known the current tokens in id order, start and end last
     */
    public static Vocabulary extend(List<String> known, Collection<String> texts, int maxWords) {
        List<String> kept = known.subList(0, known.size() - 2); // pad, unk, words
        Vocabulary fresh = vocabulary(texts, kept.subList(2, kept.size()), 1, Math.max(maxWords, kept.size()));
        return fresh.tokens().subList(0, kept.size()).equals(kept) ? fresh : new Vocabulary(known);
    }

    /** Writes the vocabulary as a tokenizer.json that DJL's HuggingFaceTokenizer loads. */
    public static void write(Vocabulary vocab, Path file) throws IOException {
        ObjectNode root = JSON.createObjectNode();
        root.put("version", "1.0");
        root.putNull("truncation");
        root.putNull("padding");
        ArrayNode added = root.putArray("added_tokens");
        for (String special : List.of(PAD, UNK, BOS, EOS)) {
            ObjectNode t = added.addObject();
            t.put("id", vocab.tokens().indexOf(special));
            t.put("content", special);
            t.put("single_word", false);
            t.put("lstrip", false);
            t.put("rstrip", false);
            t.put("normalized", false);
            t.put("special", true);
        }
        root.putObject("normalizer").put("type", "Lowercase");
        root.putObject("pre_tokenizer").put("type", "Whitespace");
        ObjectNode post = root.putObject("post_processor");
        post.put("type", "TemplateProcessing");
        ArrayNode single = post.putArray("single");
        single.addObject().putObject("SpecialToken").put("id", BOS).put("type_id", 0);
        single.addObject().putObject("Sequence").put("id", "A").put("type_id", 0);
        single.addObject().putObject("SpecialToken").put("id", EOS).put("type_id", 0);
        ArrayNode pair = post.putArray("pair");
        pair.addObject().putObject("SpecialToken").put("id", BOS).put("type_id", 0);
        pair.addObject().putObject("Sequence").put("id", "A").put("type_id", 0);
        pair.addObject().putObject("Sequence").put("id", "B").put("type_id", 0);
        pair.addObject().putObject("SpecialToken").put("id", EOS).put("type_id", 0);
        ObjectNode specials = post.putObject("special_tokens");
        for (String s : List.of(BOS, EOS)) {
            ObjectNode o = specials.putObject(s);
            o.put("id", s);
            o.putArray("ids").add(vocab.tokens().indexOf(s));
            o.putArray("tokens").add(s);
        }
        root.putNull("decoder");
        ObjectNode model = root.putObject("model");
        model.put("type", "WordLevel");
        ObjectNode v = model.putObject("vocab");
        for (int i = 0; i < vocab.size(); i++) {
            v.put(vocab.tokens().get(i), i);
        }
        model.put("unk_token", UNK);
        AtomicFiles.writeString(file, JSON.writerWithDefaultPrettyPrinter().writeValueAsString(root));
    }
}
