package io.openautoglm.train.tokenizer;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.openautoglm.core.io.AtomicFiles;
import io.openautoglm.core.model.bert.WordPieceTokenizer;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A BERT-style {@code tokenizer.json} (WordPiece model, BertNormalizer, BertPreTokenizer, [CLS] ..
 * [SEP]) for a BERT text tower trained from scratch. Its vocabulary is whole words of the training
 * texts (as BERT's normalizer and pre-tokenizer split them: every CJK character is a word), so it
 * needs no subword training; an unseen word becomes [UNK]. Ids: [PAD] 0, [UNK] 1, words, then
 * [CLS] and [SEP] last, the layout {@link WordTokenizerBuilder.Vocabulary} describes.
 */
public final class WordPieceTokenizerBuilder {
    public static final String PAD = "[PAD]";
    public static final String UNK = "[UNK]";
    public static final String CLS = "[CLS]";
    public static final String SEP = "[SEP]";
    private static final ObjectMapper JSON = new ObjectMapper();

    private WordPieceTokenizerBuilder() {}

    /** Words seen in {@code texts}, most frequent first (ties alphabetical), at most {@code maxWords} tokens in all. */
    public static WordTokenizerBuilder.Vocabulary vocabulary(Collection<String> texts, int maxWords) {
        Map<String, Integer> counts = new HashMap<>();
        for (String t : texts) {
            for (String w : WordPieceTokenizer.basicWords(t)) {
                counts.merge(w, 1, Integer::sum);
            }
        }
        List<String> tokens = new ArrayList<>(List.of(PAD, UNK));
        counts.entrySet().stream()
                .filter(e -> !e.getKey().startsWith("##") && !List.of(PAD, UNK, CLS, SEP).contains(e.getKey()))
                .sorted((a, b) -> a.getValue().equals(b.getValue()) ? a.getKey().compareTo(b.getKey()) : b.getValue() - a.getValue())
                .limit(Math.max(0, maxWords - 4))
                .forEach(e -> tokens.add(e.getKey()));
        tokens.add(CLS);
        tokens.add(SEP);
        return new WordTokenizerBuilder.Vocabulary(List.copyOf(tokens));
    }

    /** Writes the vocabulary as a WordPiece tokenizer.json, atomically. */
    public static void write(WordTokenizerBuilder.Vocabulary vocab, Path file) throws IOException {
        ObjectNode root = JSON.createObjectNode();
        root.put("version", "1.0");
        root.putNull("truncation");
        root.putNull("padding");
        ArrayNode added = root.putArray("added_tokens");
        for (String special : List.of(PAD, UNK, CLS, SEP)) {
            added.addObject().put("id", vocab.tokens().indexOf(special)).put("content", special).put("single_word", false)
                    .put("lstrip", false).put("rstrip", false).put("normalized", false).put("special", true);
        }
        root.putObject("normalizer").put("type", "BertNormalizer").put("clean_text", true).put("handle_chinese_chars", true)
                .putNull("strip_accents").put("lowercase", true);
        root.putObject("pre_tokenizer").put("type", "BertPreTokenizer");
        ObjectNode post = root.putObject("post_processor");
        post.put("type", "TemplateProcessing");
        ArrayNode single = post.putArray("single");
        single.addObject().putObject("SpecialToken").put("id", CLS).put("type_id", 0);
        single.addObject().putObject("Sequence").put("id", "A").put("type_id", 0);
        single.addObject().putObject("SpecialToken").put("id", SEP).put("type_id", 0);
        ArrayNode pair = post.putArray("pair");
        pair.addObject().putObject("SpecialToken").put("id", CLS).put("type_id", 0);
        pair.addObject().putObject("Sequence").put("id", "A").put("type_id", 0);
        pair.addObject().putObject("SpecialToken").put("id", SEP).put("type_id", 0);
        pair.addObject().putObject("Sequence").put("id", "B").put("type_id", 1);
        pair.addObject().putObject("SpecialToken").put("id", SEP).put("type_id", 1);
        ObjectNode specials = post.putObject("special_tokens");
        for (String s : List.of(CLS, SEP)) {
            ObjectNode o = specials.putObject(s);
            o.put("id", s);
            o.putArray("ids").add(vocab.tokens().indexOf(s));
            o.putArray("tokens").add(s);
        }
        root.putObject("decoder").put("type", "WordPiece").put("prefix", "##").put("cleanup", true);
        ObjectNode model = root.putObject("model");
        model.put("type", "WordPiece");
        model.put("unk_token", UNK);
        model.put("continuing_subword_prefix", "##");
        model.put("max_input_chars_per_word", 100);
        ObjectNode v = model.putObject("vocab");
        for (int i = 0; i < vocab.size(); i++) {
            v.put(vocab.tokens().get(i), i);
        }
        AtomicFiles.writeString(file, JSON.writerWithDefaultPrettyPrinter().writeValueAsString(root));
    }
}
