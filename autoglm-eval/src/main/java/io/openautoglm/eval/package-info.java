/** Retrieval and classification metrics, evaluation runs and reports. */
package io.openautoglm.eval;
