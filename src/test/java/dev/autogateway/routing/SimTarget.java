package dev.autogateway.routing;

import dev.autogateway.provider.ErrorClass;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.random.RandomGenerator;

/**
 * A simulated upstream behind one target, as the routing simulator sees it: a log-normal latency, error rates by
 * class, a rate-limit window answered with 429 and Retry-After, outages that start and end, slow spells, and a slow
 * degradation. Times are milliseconds since the start of the run.
 */
final class SimTarget {
    /** What one attempt came to: a success, or a failure of {@code error} class; after {@code latencyMs} either way. */
    record Response(ErrorClass error, long latencyMs, long retryAfterMs) {
        boolean ok() {
            return error == null;
        }
    }

    private record Window(long start, long end, ErrorClass error, double factor) {
        boolean covers(long t) {
            return t >= start && t < end;
        }
    }

    final String name;
    private final double medianMs;
    private final double sigma;
    private final Map<ErrorClass, Double> errorRates = new LinkedHashMap<>();
    private final List<Window> outages = new ArrayList<>();
    private final List<Window> slowSpells = new ArrayList<>();
    private long degradeFrom = Long.MAX_VALUE;
    private double degradePerMinute;
    private int limit;
    private long limitWindowMs;
    private long limitOffsetMs;
    private long windowIndex = Long.MIN_VALUE;
    private int windowCount;

    SimTarget(String name, double medianMs, double sigma) {
        this.name = name;
        this.medianMs = medianMs;
        this.sigma = sigma;
    }

    SimTarget errors(ErrorClass c, double rate) {
        errorRates.put(c, rate);
        return this;
    }

    /** Refuses every attempt in [fromS, toS) with {@code error} (a network error: connection refused). */
    SimTarget down(double fromS, double toS, ErrorClass error) {
        outages.add(new Window(ms(fromS), ms(toS), error, 1));
        return this;
    }

    /** Down for {@code downS} out of every {@code periodS}, from {@code fromS} to {@code toS}. */
    SimTarget flapping(double fromS, double toS, double periodS, double downS) {
        for (double t = fromS; t < toS; t += periodS) {
            down(t, Math.min(toS, t + downS), ErrorClass.NETWORK);
        }
        return this;
    }

    /** {@code factor} times slower in [fromS, toS). */
    SimTarget slow(double fromS, double toS, double factor) {
        slowSpells.add(new Window(ms(fromS), ms(toS), null, factor));
        return this;
    }

    /** From {@code fromS} on, slower by {@code perMinute} of its normal latency every minute. */
    SimTarget degrading(double fromS, double perMinute) {
        degradeFrom = ms(fromS);
        degradePerMinute = perMinute;
        return this;
    }

    /** At most {@code n} requests per window of {@code windowS}, windows starting at {@code offsetS}. */
    SimTarget rateLimit(int n, double windowS, double offsetS) {
        limit = n;
        limitWindowMs = ms(windowS);
        limitOffsetMs = ms(offsetS);
        return this;
    }

    private static long ms(double seconds) {
        return Math.round(seconds * 1000);
    }

    List<long[]> outageWindows() {
        return outages.stream().map(w -> new long[] {w.start(), w.end()}).toList();
    }

    List<long[]> slowWindows() {
        return slowSpells.stream().map(w -> new long[] {w.start(), w.end()}).toList();
    }

    double latencyFactor(long t) {
        double f = 1;
        for (Window w : slowSpells) {
            if (w.covers(t)) {
                f *= w.factor();
            }
        }
        if (t >= degradeFrom) {
            f *= 1 + degradePerMinute * (t - degradeFrom) / 60_000.0;
        }
        return f;
    }

    private Window outage(long t) {
        for (Window w : outages) {
            if (w.covers(t)) {
                return w;
            }
        }
        return null;
    }

    private long limitWindow(long t) {
        return Math.floorDiv(t - limitOffsetMs, limitWindowMs);
    }

    private boolean limited(long t) {
        return limit > 0 && limitWindow(t) == windowIndex && windowCount >= limit;
    }

    /** The truth an oracle knows: the mean latency of an attempt now, and whether it would surely fail now. */
    double meanLatencyMs(long t) {
        return medianMs * latencyFactor(t) * Math.exp(sigma * sigma / 2);
    }

    boolean unavailable(long t) {
        return outage(t) != null || limited(t);
    }

    double errorRate() {
        return errorRates.values().stream().mapToDouble(Double::doubleValue).sum();
    }

    /** One attempt at {@code t}; {@code attemptTimeoutMs} caps a silent upstream. */
    Response respond(long t, RandomGenerator rng, long attemptTimeoutMs) {
        Window down = outage(t);
        if (down != null) {
            return failure(down.error(), rng, attemptTimeoutMs);
        }
        if (limit > 0) {
            long w = limitWindow(t);
            if (w != windowIndex) {
                windowIndex = w;
                windowCount = 0;
            }
            if (windowCount >= limit) {
                long retryAfter = (w + 1) * limitWindowMs + limitOffsetMs - t;
                // Retry-After is given in whole seconds, rounded up, as servers send it.
                return new Response(ErrorClass.RATE_LIMIT, 30, (retryAfter + 999) / 1000 * 1000);
            }
            windowCount++;
        }
        double roll = rng.nextDouble();
        for (Map.Entry<ErrorClass, Double> e : errorRates.entrySet()) {
            roll -= e.getValue();
            if (roll < 0) {
                return failure(e.getKey(), rng, attemptTimeoutMs);
            }
        }
        double latency = medianMs * latencyFactor(t) * Math.exp(sigma * rng.nextGaussian());
        if (latency >= attemptTimeoutMs) {
            return new Response(ErrorClass.TIMEOUT_FIRST_TOKEN, attemptTimeoutMs, -1);
        }
        return new Response(null, Math.max(1, Math.round(latency)), -1);
    }

    private static Response failure(ErrorClass c, RandomGenerator rng, long attemptTimeoutMs) {
        long latency = switch (c) {
            case NETWORK -> 5 + rng.nextLong(20);
            case TIMEOUT_FIRST_TOKEN, TIMEOUT_CONNECT -> attemptTimeoutMs;
            default -> 80 + rng.nextLong(150);
        };
        return new Response(c, latency, -1);
    }
}
