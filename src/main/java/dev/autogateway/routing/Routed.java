package dev.autogateway.routing;

/** A successful attempt's result, with the target that produced it and how long the attempt took. */
public record Routed<T>(Target target, T value, long latencyMs) {}
