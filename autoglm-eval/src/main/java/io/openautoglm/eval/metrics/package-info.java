/**
 * COCO caption metrics (BLEU, ROUGE-L, CIDEr-D with the toolkit's tokenization) and the VQA v2
 * accuracy, computed as the reference evaluation code computes them; see docs/metrics.md.
 */
package io.openautoglm.eval.metrics;
