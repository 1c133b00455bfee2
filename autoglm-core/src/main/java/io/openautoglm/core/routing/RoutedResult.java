package io.openautoglm.core.routing;

import io.openautoglm.core.ZeroShotResult;

/**
 * One picture's zero-shot answer under routing: the labels of the model that answered, which one
 * it was, and the student's margin (top-1 minus top-2 probability) that decided it.
 */
public record RoutedResult(ZeroShotResult result, Route route, float studentMargin) {}
