package dev.autogateway.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The gateway's own Prometheus meters, beside the Vert.x ones in the same registry. Label values are provider and
 * model names as configured ({@code *} for a wildcard model) and error classes, never anything a client controls
 * freely, so the series (and the meter cache here) stay bounded.
 */
public final class GatewayMetrics {
    private static final Duration[] LATENCY_SLOS = {
        Duration.ofMillis(5), Duration.ofMillis(25), Duration.ofMillis(100), Duration.ofMillis(250), Duration.ofMillis(500),
        Duration.ofSeconds(1), Duration.ofSeconds(2), Duration.ofSeconds(5), Duration.ofSeconds(10), Duration.ofSeconds(30),
        Duration.ofSeconds(60)
    };

    private final PrometheusMeterRegistry registry;
    private static final String TOKENS = "Tokens by direction, as the upstream counted them";

    private final AtomicInteger streamsInFlight = new AtomicInteger();
    private final Map<Object, Object> meters = new ConcurrentHashMap<>();

    public GatewayMetrics(PrometheusMeterRegistry registry) {
        this.registry = registry;
        Gauge.builder("gateway_streams_in_flight", streamsInFlight, AtomicInteger::get)
                .description("Streams being relayed to clients").register(registry);
        // Present at 0 from the start, so a rate or an alert on them works before the first recovery.
        recoveries("recovered");
        recoveries("failed");
    }

    public static PrometheusMeterRegistry newRegistry() {
        return new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    }

    public String scrape() {
        return registry.scrape();
    }

    /** Exposes a live count owned elsewhere (e.g. open circuits); registered once. */
    public void gauge(String name, String description, Supplier<Number> value) {
        Gauge.builder(name, value).description(description).register(registry);
    }

    public void request(String provider, String model, int status, boolean stream, long latencyMs, long ttftMs) {
        RequestMeters m = cached(new RequestKey(orNone(provider), orNone(model), status, stream), k -> new RequestMeters(
                counter("gateway_requests_total", "Client requests by the provider and model that served them",
                        "provider", k.provider(), "model", k.model(), "status", Integer.toString(k.status()),
                        "stream", Boolean.toString(k.stream())),
                timer("gateway_request_duration_seconds", "Client request latency", k.provider(), k.model()),
                timer("gateway_ttft_seconds", "Time to the first token (streams) or to the answer", k.provider(), k.model())));
        m.count().increment();
        m.duration().record(latencyMs, TimeUnit.MILLISECONDS);
        if (ttftMs >= 0) {
            m.ttft().record(ttftMs, TimeUnit.MILLISECONDS);
        }
    }

    /** One attempt on a target: {@code result} is {@code success} or the failure's error class. */
    public void attempt(String provider, String model, String result) {
        cached(new AttemptKey(provider, model, result), k -> counter("gateway_attempts_total",
                "Upstream attempts by result (success or error class)", "provider", provider, "model", model, "result", result))
                .increment();
    }

    public void tokens(String provider, String model, long prompt, long completion) {
        TokenMeters m = cached(new TokenKey(provider, model), k -> new TokenMeters(
                counter("gateway_tokens_total", TOKENS, "provider", provider, "model", model, "direction", "in"),
                counter("gateway_tokens_total", TOKENS, "provider", provider, "model", model, "direction", "out")));
        m.in().increment(prompt);
        m.out().increment(completion);
    }

    /**
     * A stream that died mid-answer: {@code recovered} when another target completed it, {@code failed} when it ended
     * with an in-band error (no recovery possible or none succeeded, or its budget ran out).
     */
    public void recovery(String result) {
        // Rare: Micrometer's own lookup is fine here.
        recoveries(result).increment();
    }

    private Counter recoveries(String result) {
        return counter("gateway_stream_recoveries_total", "Streams that died mid-answer, by whether they were completed",
                "result", result);
    }

    public void malformedEvents(String provider, int count) {
        counter("gateway_malformed_events_total", "Unparseable SSE events skipped in otherwise good streams",
                "provider", provider).increment(count);
    }

    public void streamStarted() {
        streamsInFlight.incrementAndGet();
    }

    public void streamEnded() {
        streamsInFlight.decrementAndGet();
    }

    /**
     * The meters of one label set, found with one lookup of a small key on the request path. Micrometer's own lookup
     * (builder, tag sorting, registration checks) was the largest single cost per request in a profile, so it runs
     * once per label set, when the meters are first needed.
     */
    @SuppressWarnings("unchecked")
    private <K, M> M cached(K key, Function<K, M> create) {
        Object m = meters.get(key);
        return (M) (m != null ? m : meters.computeIfAbsent(key, k -> create.apply((K) k)));
    }

    private Counter counter(String name, String description, String... tags) {
        return Counter.builder(name).description(description).tags(tags).register(registry);
    }

    private Timer timer(String name, String description, String provider, String model) {
        return Timer.builder(name).description(description).tags("provider", provider, "model", model)
                .serviceLevelObjectives(LATENCY_SLOS).register(registry);
    }

    private record RequestKey(String provider, String model, int status, boolean stream) {}

    private record RequestMeters(Counter count, Timer duration, Timer ttft) {}

    private record AttemptKey(String provider, String model, String result) {}

    private record TokenKey(String provider, String model) {}

    private record TokenMeters(Counter in, Counter out) {}

    private static String orNone(String s) {
        return s == null ? "none" : s;
    }
}
