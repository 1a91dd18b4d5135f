package dev.autogateway.routing;

import dev.autogateway.config.ConfigLoader;
import dev.autogateway.config.GatewayConfig;
import dev.autogateway.config.RouterConfig;
import dev.autogateway.provider.ErrorClass;
import dev.autogateway.provider.UpstreamFailure;
import io.vertx.core.Promise;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.function.LongSupplier;
import java.util.random.RandomGenerator;

/**
 * The routing simulator: drives the gateway's real strategies ({@link AdaptiveStrategy}, {@link BanditStrategy},
 * {@link SequentialStrategy}), its real {@link TargetHealth} (cool-downs, per-class backoff, circuits through
 * {@link ClockedCircuits}) and its real {@link RetryPolicy} on a virtual clock, against {@link SimTarget}s, and
 * compares them with an oracle that knows each target's true state and with random choice.
 *
 * <p>Requests arrive at a fixed rate and overlap as they would in the gateway. Each walks its plan as
 * {@link Dispatch} does: targets that are cooling down or whose circuit is open are passed over, transient failures
 * are retried on the same target, others fail over, and when the plan is exhausted the shortest Retry-After is
 * waited out if it is within {@code router.retry_after_cap}. {@code Dispatch} itself runs on Vert.x futures and
 * timers in real time, so this loop is its event-driven twin on virtual time. Everything random comes from one seed.
 *
 * <p>Run: {@code bench/routing-sim.sh} (or {@code --seed N}, {@code --quick}).
 */
public final class RoutingSimulator {
    static final long T0 = 1_700_000_000_000L;
    /** A target counts as avoided once it gets at most this share of first attempts over the next WINDOW requests. */
    static final double AVOIDED_SHARE = 0.1;
    /** ... and as back in use once it gets at least this share. */
    static final double IN_USE_SHARE = 0.5;
    static final int WINDOW = 20;
    /** "bandit C=1.5": the bandit with the original's exploration constant instead of the default 0.2. */
    static final List<String> STRATEGIES = List.of("oracle", "random", "sequential", "adaptive", "bandit", "bandit C=1.5");

    /**
     * A scenario: its targets (one model "m"; {@code keysOfOne} puts them all on one provider as keys), and the
     * target whose outages or slow spells are timed ({@code watched}; null: none).
     */
    record Scenario(String name, String description, double durationS, double ratePerS, List<SimTarget> targets,
            boolean keysOfOne, String watched) {
        boolean outages() {
            return watched != null && targets.stream().anyMatch(t -> t.name.equals(watched) && !t.outageWindows().isEmpty());
        }
    }

    /** One request's record. */
    record Outcome(long arrivalMs, boolean ok, long latencyMs, int attempts, int failedAttempts, String first) {}

    record Result(String scenario, String strategy, List<Outcome> outcomes, double successRate, double meanMs,
            double p95Ms, double wastedPerRequest, Integer detectRequests, Double returnS, boolean returnCensored,
            boolean outages) {}

    static final class VirtualClock implements LongSupplier {
        private long now = T0;

        @Override
        public long getAsLong() {
            return now;
        }

        void set(long t) {
            now = Math.max(now, t);
        }
    }

    private record Event(long time, long seq, Runnable action) {}

    // ---- scenarios ----

    static List<Scenario> scenarios(boolean quick) {
        double d = quick ? 0.5 : 1;
        List<Scenario> out = new ArrayList<>();
        out.add(new Scenario("outage", "A (fastest) refuses connections from 100 s to 220 s, then recovers",
                360 * d, 10, List.of(
                        new SimTarget("A", 250, 0.25).down(100 * d, 220 * d, ErrorClass.NETWORK),
                        new SimTarget("B", 500, 0.25),
                        new SimTarget("C", 800, 0.25)), false, "A"));
        out.add(new Scenario("slow", "A (fastest) is 10x slower from 100 s to 220 s, then fast again",
                360 * d, 10, List.of(
                        new SimTarget("A", 250, 0.25).slow(100 * d, 220 * d, 10),
                        new SimTarget("B", 500, 0.25),
                        new SimTarget("C", 800, 0.25)), false, "A"));
        out.add(new Scenario("rate_limits", "4 keys of one provider, 80 requests/min each, windows 15 s apart; 4 req/s",
                360 * d, 4, List.of(
                        new SimTarget("k1", 400, 0.25).rateLimit(80, 60, 0),
                        new SimTarget("k2", 400, 0.25).rateLimit(80, 60, 15),
                        new SimTarget("k3", 400, 0.25).rateLimit(80, 60, 30),
                        new SimTarget("k4", 400, 0.25).rateLimit(80, 60, 45)), true, null));
        out.add(new Scenario("flapping", "A (fastest) is down 10 s out of every 30 s from 60 s to 300 s",
                360 * d, 10, List.of(
                        new SimTarget("A", 250, 0.25).flapping(60 * d, 300 * d, 30, 10),
                        new SimTarget("B", 500, 0.25),
                        new SimTarget("C", 800, 0.25)), false, "A"));
        out.add(new Scenario("mixed8", "8 targets of mixed quality: latencies 300 ms-2 s, error rates 0-15%,"
                + " one timing out now and then, one degrading, one rate-limited",
                360 * d, 10, List.of(
                        new SimTarget("t0", 300, 0.3).errors(ErrorClass.SERVER_ERROR, 0.005),
                        new SimTarget("t1", 350, 0.3).errors(ErrorClass.SERVER_ERROR, 0.02),
                        new SimTarget("t2", 280, 0.3).degrading(120 * d, 1.0),
                        new SimTarget("t3", 600, 0.3).errors(ErrorClass.SERVER_ERROR, 0.05)
                                .errors(ErrorClass.TIMEOUT_FIRST_TOKEN, 0.01),
                        new SimTarget("t4", 320, 0.3).rateLimit(60, 60, 0),
                        new SimTarget("t5", 1200, 0.3).errors(ErrorClass.SERVER_ERROR, 0.001),
                        new SimTarget("t6", 2000, 0.3),
                        new SimTarget("t7", 450, 0.3).errors(ErrorClass.SERVER_ERROR, 0.15)), false, null));
        return out;
    }

    // ---- one run ----

    private final Scenario scenario;
    private final String strategyName;
    private final VirtualClock clock = new VirtualClock();
    private final SplittableRandom rng;
    private final RouterConfig config;
    private final List<Target> targets;
    private final Map<String, SimTarget> byId = new LinkedHashMap<>();
    private final TargetHealth health;
    private final Strategy strategy;
    private final RetryPolicy policy;
    private final boolean gated;
    private final PriorityQueue<Event> events =
            new PriorityQueue<>(Comparator.comparingLong(Event::time).thenComparingLong(Event::seq));
    private long seq;
    private final List<Outcome> outcomes = new ArrayList<>();

    RoutingSimulator(Scenario scenario, String strategyName, long seed) {
        this.scenario = scenario;
        this.strategyName = strategyName;
        this.rng = new SplittableRandom(seed);
        GatewayConfig cfg = ConfigLoader.parse(config(scenario, strategyName), Map.of());
        this.config = cfg.router();
        this.targets = new Catalog(cfg.providers()).candidates(new RouteRequest(ModelQuery.parse("m"), null, null, true));
        for (int i = 0; i < targets.size(); i++) {
            byId.put(targets.get(i).id(), scenario.targets().get(i));
        }
        RandomGenerator random = rng.split();
        this.health = new TargetHealth(config, new Cooldowns(clock), new ClockedCircuits(() -> config, clock), () -> random);
        this.policy = new RetryPolicy(config.retries(), () -> random);
        HealthStore store = HealthStore.inMemory();
        this.gated = !strategyName.equals("oracle");
        this.strategy = switch (strategyName.split(" ")[0]) {
            case "sequential" -> new SequentialStrategy();
            case "adaptive" -> new AdaptiveStrategy(config, store, health, null, clock);
            case "bandit" -> new BanditStrategy(config, store, health, null, clock);
            case "random" -> new RandomOrder(rng.split());
            case "oracle" -> new Oracle();
            default -> throw new IllegalArgumentException(strategyName);
        };
    }

    /**
     * The scenario's targets as gateway config: default router settings, the strategy's own backoff defaults, and
     * the exploration constant a name like "bandit C=1.5" gives.
     */
    private static String config(Scenario s, String strategyName) {
        String strategy = strategyName.split(" ")[0];
        String name = strategy.equals("adaptive") || strategy.equals("bandit") ? strategy : "sequential";
        JsonArray providers = new JsonArray();
        if (s.keysOfOne()) {
            JsonArray keys = new JsonArray();
            s.targets().forEach(t -> keys.add("sk-sim-" + t.name));
            providers.add(new JsonObject().put("name", "p").put("type", "echo").put("api_key", keys)
                    .put("models", new JsonArray().add("m")));
        } else {
            s.targets().forEach(t -> providers.add(new JsonObject().put("name", t.name).put("type", "echo")
                    .put("api_key", "sk-sim-" + t.name).put("models", new JsonArray().add("m"))));
        }
        JsonObject router = new JsonObject().put("strategy", name).put("persistence_path", "");
        int c = strategyName.indexOf("C=");
        if (c >= 0) {
            router.put("bandit_exploration", Double.parseDouble(strategyName.substring(c + 2)));
        }
        return new JsonObject().put("router", router).put("providers", providers).encode();
    }

    /** The truth, first: targets that would not surely fail now, by mean latency plus a second per 100% error rate. */
    private final class Oracle implements Strategy {
        @Override
        public List<Target> order(List<Target> candidates, RouteRequest request) {
            long t = clock.getAsLong() - T0;
            List<Target> out = new ArrayList<>(candidates);
            out.sort(Comparator.<Target>comparingInt(c -> byId.get(c.id()).unavailable(t) ? 1 : 0)
                    .thenComparingDouble(c -> byId.get(c.id()).meanLatencyMs(t) + 1000 * byId.get(c.id()).errorRate()));
            return out;
        }

        @Override
        public void record(Target target, AttemptOutcome outcome) {}
    }

    private static final class RandomOrder implements Strategy {
        private final RandomGenerator rng;

        RandomOrder(RandomGenerator rng) {
            this.rng = rng;
        }

        @Override
        public List<Target> order(List<Target> candidates, RouteRequest request) {
            List<Target> out = new ArrayList<>(candidates);
            for (int i = out.size() - 1; i > 0; i--) {
                int j = rng.nextInt(i + 1);
                out.set(i, out.set(j, out.get(i)));
            }
            return out;
        }

        @Override
        public void record(Target target, AttemptOutcome outcome) {}
    }

    private void at(long time, Runnable action) {
        events.add(new Event(time, seq++, action));
    }

    Result run() {
        long end = T0 + Math.round(scenario.durationS() * 1000);
        double gapMs = 1000 / scenario.ratePerS();
        for (int i = 0; T0 + Math.round(i * gapMs) < end; i++) {
            long arrival = T0 + Math.round(i * gapMs);
            at(arrival, () -> new Request(arrival).start());
        }
        while (!events.isEmpty()) {
            Event e = events.poll();
            clock.set(e.time());
            e.action().run();
        }
        outcomes.sort(Comparator.comparingLong(Outcome::arrivalMs));
        return summarize();
    }

    /** One client request walking its plan, as {@link Dispatch} does. */
    private final class Request {
        private final long arrival;
        private List<Target> plan;
        private int next;
        private int attempts;
        private int failed;
        private String first;
        private final Set<String> waitedFor = new HashSet<>();

        Request(long arrival) {
            this.arrival = arrival;
        }

        void start() {
            plan = strategy.order(targets, new RouteRequest(ModelQuery.parse("m"), null, null, true));
            run();
        }

        private void run() {
            while (next < plan.size()) {
                Target t = plan.get(next++);
                if (!gated || !health.gated(t)) {
                    attempt(t, 1);
                    return;
                }
            }
            waitForCoolingTarget();
        }

        private void waitForCoolingTarget() {
            Target best = null;
            long bestWait = Long.MAX_VALUE;
            for (Target t : plan) {
                long wait = health.coolingMs(t);
                if (wait > 0 && wait < bestWait && !waitedFor.contains(t.id())) {
                    best = t;
                    bestWait = wait;
                }
            }
            long now = clock.getAsLong();
            if (best == null || config.retries() == 0 || bestWait > config.retryAfterCapMs()
                    || now + bestWait - arrival >= config.timeoutMs()) {
                finish(false);
                return;
            }
            Target target = best;
            waitedFor.add(target.id());
            at(now + bestWait, () -> attempt(target, 2));
        }

        private void attempt(Target t, int tries) {
            long now = clock.getAsLong();
            long remaining = arrival + config.timeoutMs() - now;
            if (remaining <= 0) {
                finish(false);
                return;
            }
            Promise<Void> answer = Promise.promise();
            boolean[] let = {!gated};
            if (gated) {
                health.guard(t, () -> {
                    let[0] = true;
                    return answer.future();
                });
            }
            if (!let[0]) {
                // Another request holds the half-open probe: no attempt, just a target to pass over.
                run();
                return;
            }
            started(t);
            SimTarget.Response r = byId.get(t.id()).respond(now - T0, rng, Math.min(config.attemptTimeoutMs(), remaining));
            at(now + r.latencyMs(), () -> {
                if (r.ok()) {
                    answer.complete();
                    strategy.record(t, AttemptOutcome.success(r.latencyMs(), r.latencyMs()));
                    health.onSuccess(t);
                    finish(true);
                    return;
                }
                UpstreamFailure f = new UpstreamFailure(r.error(), status(r.error()), r.error().wireName(), r.retryAfterMs(), null);
                answer.fail(f);
                failed++;
                strategy.record(t, AttemptOutcome.failure(r.error(), r.latencyMs()));
                health.onFailure(t, f);
                RetryPolicy.Decision d = policy.decide(f, tries);
                long at = clock.getAsLong();
                switch (d.action()) {
                    case RETRY -> {
                        if (d.delayMs() < arrival + config.timeoutMs() - at) {
                            at(at + d.delayMs(), () -> attempt(t, tries + 1));
                        } else {
                            run();
                        }
                    }
                    case STOP, CONTEXT_FALLBACK -> finish(false);
                    default -> run();
                }
            });
        }

        private void started(Target t) {
            attempts++;
            if (first == null) {
                first = byId.get(t.id()).name;
            }
        }

        private void finish(boolean ok) {
            outcomes.add(new Outcome(arrival, ok, clock.getAsLong() - arrival, attempts, ok ? failed : attempts, first));
        }
    }

    private static int status(ErrorClass c) {
        return switch (c) {
            case RATE_LIMIT -> 429;
            case SERVER_ERROR -> 500;
            case OVERLOADED -> 503;
            default -> 0;
        };
    }

    // ---- metrics ----

    private Result summarize() {
        int n = outcomes.size();
        long ok = outcomes.stream().filter(Outcome::ok).count();
        long[] latencies = outcomes.stream().mapToLong(Outcome::latencyMs).sorted().toArray();
        double mean = Arrays.stream(latencies).average().orElse(0);
        double p95 = latencies.length == 0 ? 0 : latencies[(int) Math.ceil(0.95 * latencies.length) - 1];
        double wasted = outcomes.stream().mapToInt(Outcome::failedAttempts).sum() / (double) n;
        Integer detect = null;
        Double back = null;
        boolean censored = false;
        if (scenario.watched() != null) {
            SimTarget w = scenario.targets().stream().filter(t -> t.name.equals(scenario.watched())).findFirst().orElseThrow();
            List<long[]> bad = new ArrayList<>(w.outageWindows());
            bad.addAll(w.slowWindows());
            for (int i = 0; i < bad.size(); i++) {
                long start = T0 + bad.get(i)[0];
                long end = T0 + bad.get(i)[1];
                long nextStart = i + 1 < bad.size() ? T0 + bad.get(i + 1)[0] : T0 + Math.round(scenario.durationS() * 1000);
                int d = detection(w.name, start, end);
                detect = detect == null ? d : Math.max(detect, d);
                double r = recovery(w.name, end, nextStart);
                if (r < 0) {
                    censored = true;
                    r = (nextStart - end) / 1000.0;
                }
                back = back == null ? r : Math.max(back, r);
            }
        }
        return new Result(scenario.name(), strategyName, outcomes, ok / (double) n, mean, p95, wasted, detect, back, censored,
                scenario.outages());
    }

    private double share(String target, int from) {
        int hits = 0;
        int count = 0;
        for (int i = from; i < outcomes.size() && count < WINDOW; i++, count++) {
            if (target.equals(outcomes.get(i).first())) {
                hits++;
            }
        }
        return count == 0 ? 0 : hits / (double) count;
    }

    /**
     * Requests after the outage (or slow spell) began that started on the target, up to the first one after which
     * it gets no more than {@link #AVOIDED_SHARE} of the first attempts of the next {@link #WINDOW} requests;
     * {@code Integer.MAX_VALUE} if that never happened before the spell ended (the target was never avoided).
     */
    private int detection(String target, long start, long end) {
        int hits = 0;
        for (int i = 0; i < outcomes.size(); i++) {
            Outcome o = outcomes.get(i);
            if (o.arrivalMs() < start) {
                continue;
            }
            if (o.arrivalMs() >= end) {
                return Integer.MAX_VALUE;
            }
            if (target.equals(o.first())) {
                hits++;
            }
            if (share(target, i + 1) <= AVOIDED_SHARE) {
                return hits;
            }
        }
        return Integer.MAX_VALUE;
    }

    /** Seconds from the recovery until the target got at least {@link #IN_USE_SHARE} of first attempts again; -1: not before {@code limit}. */
    private double recovery(String target, long end, long limit) {
        for (int i = 0; i < outcomes.size(); i++) {
            Outcome o = outcomes.get(i);
            if (o.arrivalMs() < end) {
                continue;
            }
            if (o.arrivalMs() >= limit) {
                return -1;
            }
            if (share(target, i) >= IN_USE_SHARE) {
                return (o.arrivalMs() - end) / 1000.0;
            }
        }
        return -1;
    }

    // ---- the report ----

    static List<Result> runAll(List<Scenario> scenarios, long seed) {
        List<Result> out = new ArrayList<>();
        for (Scenario s : scenarios) {
            for (String strategy : STRATEGIES) {
                out.add(new RoutingSimulator(s, strategy, seed).run());
            }
        }
        return out;
    }

    /** Whether a result meets the targets, given the oracle's p95 for the same scenario. */
    static List<String> misses(Result r, double oracleP95) {
        List<String> out = new ArrayList<>();
        if (r.successRate() < 0.999) {
            out.add("success " + pct(r.successRate()));
        }
        if (r.p95Ms() > oracleP95 * 1.15) {
            out.add(String.format(Locale.ROOT, "p95 %+.0f%% of oracle", (r.p95Ms() / oracleP95 - 1) * 100));
        }
        if (r.wastedPerRequest() >= 0.2) {
            out.add(String.format(Locale.ROOT, "%.3f wasted/request", r.wastedPerRequest()));
        }
        if (r.outages() && r.detectRequests() != null && r.detectRequests() > 3) {
            out.add("detected after " + fmtDetect(r.detectRequests()) + " requests");
        }
        if (r.returnS() != null && (r.returnCensored() || r.returnS() > 30)) {
            out.add("back after " + fmtReturn(r));
        }
        return out;
    }

    static String table(List<Result> results) {
        StringBuilder out = new StringBuilder();
        out.append("| scenario | strategy | success | mean ms | p95 ms | p95 / oracle | wasted attempts / request"
                + " | outage (slow spell) detected after, requests | back in use after, s | targets |\n");
        out.append("|---|---|---:|---:|---:|---:|---:|---:|---:|---|\n");
        Map<String, Double> oracle = new LinkedHashMap<>();
        results.stream().filter(r -> r.strategy().equals("oracle")).forEach(r -> oracle.put(r.scenario(), r.p95Ms()));
        for (Result r : results) {
            double o = oracle.get(r.scenario());
            String verdict = r.strategy().startsWith("adaptive") || r.strategy().startsWith("bandit")
                    ? (misses(r, o).isEmpty() ? "met" : "missed: " + String.join("; ", misses(r, o))) : "";
            out.append(String.format(Locale.ROOT, "| %s | %s | %s | %.0f | %.0f | %.2f | %.3f | %s | %s | %s |%n",
                    r.scenario(), r.strategy(), pct(r.successRate()), r.meanMs(), r.p95Ms(), r.p95Ms() / o,
                    r.wastedPerRequest(), r.detectRequests() == null ? "-"
                            : r.outages() ? fmtDetect(r.detectRequests()) : "(" + fmtDetect(r.detectRequests()) + ")",
                    r.returnS() == null ? "-" : fmtReturn(r), verdict));
        }
        return out.toString();
    }

    private static String pct(double rate) {
        return String.format(Locale.ROOT, "%.2f%%", rate * 100);
    }

    private static String fmtDetect(int d) {
        return d == Integer.MAX_VALUE ? "never" : Integer.toString(d);
    }

    private static String fmtReturn(Result r) {
        return r.returnCensored() ? String.format(Locale.ROOT, "> %.0f", r.returnS())
                : String.format(Locale.ROOT, "%.1f", r.returnS());
    }

    public static void main(String[] args) {
        long seed = 42;
        boolean quick = false;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--seed" -> seed = Long.parseLong(args[++i]);
                case "--quick" -> quick = true;
                default -> {
                    System.err.println("usage: RoutingSimulator [--seed N] [--quick]");
                    System.exit(2);
                }
            }
        }
        List<Scenario> scenarios = scenarios(quick);
        System.out.println("Routing simulator, seed " + seed + (quick ? " (quick)" : "") + "\n");
        for (Scenario s : scenarios) {
            System.out.printf(Locale.ROOT, "- %s: %s; %.0f s at %.0f req/s%n", s.name(), s.description(), s.durationS(), s.ratePerS());
        }
        System.out.println();
        System.out.print(table(runAll(scenarios, seed)));
    }
}
