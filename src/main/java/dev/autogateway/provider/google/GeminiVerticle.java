package dev.autogateway.provider.google;

import com.google.genai.Client;
import com.google.genai.types.HttpOptions;
import dev.autogateway.config.ProviderConfig;
import dev.autogateway.provider.ErrorClassifier;
import dev.autogateway.provider.Completion;
import dev.autogateway.provider.ProviderRequest;
import dev.autogateway.provider.ProviderVerticle;
import dev.autogateway.provider.StreamSender;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.ThreadingModel;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.json.JsonObject;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The {@code google} provider: Gemini through the official google-genai SDK, whose calls block.
 *
 * <p>Two pools keep blocking off the event loops and calls from starving each other. The verticle instances are
 * worker verticles on a small pool of their own: they take requests off the event bus, download images, translate,
 * and relay stream chunks, cancels and credits, never waiting on Gemini. Each SDK call runs on a second pool,
 * {@code workers} threads wide, that any instance's calls share; a call holds its thread for its whole length, so
 * {@code workers} calls run at once and the next ones queue in order. Were the calls run on the instances' own
 * contexts instead, a busy instance would hold back the requests that the event bus's round robin gives it while
 * others sit idle, and could not hear a client's cancel until its call ended.
 */
public final class GeminiVerticle extends ProviderVerticle {
    /** The longest request budget the config allows: a call thread may legitimately block that long. */
    private static final long MAX_CALL_HOURS = 24;

    private static final AtomicLong DEPLOYMENTS = new AtomicLong();

    private final GeminiClients clients;
    private final String callPool;
    private WorkerExecutor calls;
    private ImageFetcher images;

    private GeminiVerticle(ProviderConfig provider, GeminiClients clients, String callPool) {
        super(provider);
        this.clients = clients;
        this.callPool = callPool;
    }

    /**
     * Deploys one provider as {@code options.getInstances()} worker instances (with the deployer's config) sharing
     * its SDK clients and its call pool.
     */
    public static Future<String> deploy(Vertx vertx, ProviderConfig provider, DeploymentOptions options) {
        GeminiClients clients = new GeminiClients(provider);
        // Named pools are shared by name: a name per deployment keeps a reloaded provider off its predecessor's.
        String pool = "gw-gemini-" + provider.name() + "-" + DEPLOYMENTS.incrementAndGet();
        DeploymentOptions worker = new DeploymentOptions(options)
                .setThreadingModel(ThreadingModel.WORKER)
                .setWorkerPoolName(pool)
                .setWorkerPoolSize(options.getInstances());
        return vertx.deployVerticle(() -> new GeminiVerticle(provider, clients, pool + "-calls"), worker);
    }

    @Override
    public Future<?> start() {
        clients.acquire();
        calls = vertx.createSharedWorkerExecutor(callPool, provider.workers(), MAX_CALL_HOURS, TimeUnit.HOURS);
        images = new ImageFetcher(vertx);
        return super.start();
    }

    @Override
    public Future<?> stop() {
        return Future.join(images.close(), calls.close()).eventually(() -> {
            clients.release();
            return Future.succeededFuture();
        });
    }

    @Override
    protected Future<Completion> complete(ProviderRequest request) {
        return prepare(request).compose(g -> call(request, g)).map(Completion::of);
    }

    @Override
    protected void stream(ProviderRequest request, StreamSender sender) {
        prepare(request).onComplete(ar -> {
            if (sender.isDone()) {
                return;
            }
            if (ar.failed()) {
                sender.fail(ErrorClassifier.fromGenAi(ar.cause(), false));
            } else {
                new GeminiStream(vertx, request, sender).start(calls, clients.forKey(request.key()), ar.result());
            }
        });
    }

    /** Downloads the request's http(s) images, then translates it. */
    private Future<GeminiRequestMapper.GeminiRequest> prepare(ProviderRequest request) {
        long budget = request.limits().remainingMs();
        return images.fetchAll(GeminiRequestMapper.imageUrls(request.fields()), Math.min(ImageFetcher.TIMEOUT_MS, budget))
                .map(fetched -> GeminiRequestMapper.map(request.fields(), provider.extraBody(), request.extraBody(), fetched))
                .map(g -> withCallOptions(g, request.limits().remainingMs()));
    }

    /**
     * The per-call options: OkHttp's call timeout at the request's remaining budget (plus a margin, so the
     * verticle's own timers, which know which limit ran out, normally fire first), and Gemini's own extra_body.
     */
    private static GeminiRequestMapper.GeminiRequest withCallOptions(GeminiRequestMapper.GeminiRequest g, long budgetMs) {
        HttpOptions.Builder options = HttpOptions.builder().timeout((int) Math.min(Integer.MAX_VALUE, budgetMs + 1_000));
        if (!g.extraBody().isEmpty()) {
            options.extraBody(g.extraBody());
        }
        return new GeminiRequestMapper.GeminiRequest(g.contents(), g.config().toBuilder().httpOptions(options.build()).build(),
                g.extraBody());
    }

    private Future<JsonObject> call(ProviderRequest request, GeminiRequestMapper.GeminiRequest g) {
        UpstreamCall upstream = new UpstreamCall(request.limits().connectTimeoutMs());
        // The caller times the attempt; when it gives up, the blocked SDK call is cancelled.
        request.reply().onStop(upstream::cancel);
        Client client = clients.forKey(request.key());
        return calls.<JsonObject>executeBlocking(() -> {
            try (UpstreamCall.Binding bound = upstream.bind()) {
                return GeminiResponseMapper.completion(
                        client.models.generateContent(request.model(), g.contents(), g.config()), request.model());
            }
        }, false).recover(e -> Future.failedFuture(ErrorClassifier.fromGenAi(e, false)));
    }
}
