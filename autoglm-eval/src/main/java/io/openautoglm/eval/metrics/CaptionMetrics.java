package io.openautoglm.eval.metrics;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * COCO caption metrics of a results file.
 *
 * @param bleu BLEU-1..BLEU-4
 * @param rougeL ROUGE-L (beta 1.2)
 * @param cider CIDEr-D (the toolkit's "CIDEr")
 * @param images how many images were scored
 * @param references how many reference captions they have
 */
public record CaptionMetrics(double[] bleu, double rougeL, double cider, int images, int references) {
    private static final ObjectMapper JSON = new ObjectMapper();

    public CaptionMetrics {
        bleu = bleu.clone();
    }

    /** The toolkit's keys: Bleu_1..Bleu_4, ROUGE_L, CIDEr. */
    public ObjectNode toJson() {
        ObjectNode o = JSON.createObjectNode();
        for (int n = 0; n < bleu.length; n++) {
            o.put("Bleu_" + (n + 1), bleu[n]);
        }
        o.put("ROUGE_L", rougeL);
        o.put("CIDEr", cider);
        return o;
    }
}
