package io.openautoglm.core.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class QuestionAnswerTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static ManifestRecord record(String json) throws Exception {
        ObjectNode fields = (ObjectNode) JSON.readTree(json);
        return new ManifestRecord(7, Path.of("a.png"), List.of("a caption"), fields);
    }

    @Test
    void readsQaByDefaultAndFurtherKeysInTheOrderGiven() throws Exception {
        ManifestRecord r = record("""
                {"qa": [{"question": "what color is the star?", "answer": "red", "type": "color"}],
                 "spatial_qa": [{"question": "where is the star relative to the circle?", "answer": "left", "type": "position"}],
                 "vqa": [{"question": "what is it?", "answers": [{"answer": "star"}, {"answer": "star"}, "a star"]}]}""");
        assertThat(QuestionAnswer.of(r)).extracting(QuestionAnswer::question).containsExactly("what color is the star?");
        List<QuestionAnswer> both = QuestionAnswer.of(r, List.of("qa", "spatial_qa", "vqa"));
        assertThat(both).extracting(QuestionAnswer::question)
                .containsExactly("what color is the star?", "where is the star relative to the circle?", "what is it?");
        assertThat(both.get(1).answers()).containsExactly("left");
        assertThat(both.get(1).type()).isEqualTo("position");
        assertThat(both.get(2).answers()).containsExactly("star", "star", "a star");
        assertThat(both.get(2).type()).isNull();
        assertThat(QuestionAnswer.of(r, List.of("missing"))).isEmpty();
    }

    @Test
    void aMalformedListNamesItsKey() throws Exception {
        ManifestRecord r = record("{\"qa\": [], \"spatial_qa\": \"left\"}");
        assertThatThrownBy(() -> QuestionAnswer.of(r, List.of("qa", "spatial_qa")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("\"spatial_qa\" must be an array");
        ManifestRecord noAnswer = record("{\"spatial_qa\": [{\"question\": \"where?\"}]}");
        assertThatThrownBy(() -> QuestionAnswer.of(noAnswer, List.of("spatial_qa"))).hasMessageContaining("has no \"answer\"");
    }
}
