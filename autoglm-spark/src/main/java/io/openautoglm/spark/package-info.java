/** Batch embedding of picture collections on Apache Spark ({@code autoglm spark embed}). */
package io.openautoglm.spark;
