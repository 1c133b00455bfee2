/** Datasets, synthetic data, losses and the contrastive trainer. */
package io.openautoglm.train;
