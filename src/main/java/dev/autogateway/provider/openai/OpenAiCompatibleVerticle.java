package dev.autogateway.provider.openai;

import dev.autogateway.config.ApiKey;
import dev.autogateway.config.ProviderConfig;
import dev.autogateway.openai.CompletionScan;
import dev.autogateway.openai.Completions;
import dev.autogateway.openai.JsonBodies;
import dev.autogateway.openai.Tokens;
import dev.autogateway.provider.Completion;
import dev.autogateway.provider.ErrorClass;
import dev.autogateway.provider.ErrorClassifier;
import dev.autogateway.provider.ProviderRequest;
import dev.autogateway.provider.ProviderVerticle;
import dev.autogateway.provider.StreamSender;
import dev.autogateway.provider.UpstreamFailure;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** A provider that speaks OpenAI's chat completions API: OpenAI, vLLM, Ollama, LiteLLM or any such proxy. */
public final class OpenAiCompatibleVerticle extends ProviderVerticle {
    /** Keep-alive connections per verticle instance; enough for thousands of requests per second of short calls. */
    private static final int POOL_SIZE = 512;
    private static final CharSequence USER_AGENT = HttpHeaders.createOptimized("auto-gateway");
    private static final CharSequence JSON = HttpHeaders.createOptimized("application/json");
    private static final CharSequence EVENT_STREAM = HttpHeaders.createOptimized("text/event-stream");

    private final UpstreamEndpoint endpoint;
    private HttpClientAgent client;
    /** Per key, the request options of a non-streaming and a streaming call: built once, read by every request. */
    private final Map<ApiKey, RequestOptions[]> options = new ConcurrentHashMap<>();

    public OpenAiCompatibleVerticle(ProviderConfig provider) {
        super(provider);
        this.endpoint = UpstreamEndpoint.of(provider.baseUrl());
    }

    @Override
    public Future<?> start() {
        HttpClientOptions options = new HttpClientOptions()
                .setKeepAlive(true)
                .setKeepAliveTimeout(60)
                .setSsl(endpoint.ssl())
                .setTcpNoDelay(true);
        client = vertx.httpClientBuilder().with(options).with(new PoolOptions().setHttp1MaxSize(POOL_SIZE)).build();
        return super.start();
    }

    @Override
    public Future<?> stop() {
        return super.stop().compose(v -> client.close());
    }

    @Override
    protected Future<Completion> complete(ProviderRequest request) {
        Promise<Completion> result = Promise.promise();
        client.request(options(request)).onComplete(acquired -> {
            if (acquired.failed()) {
                result.tryFail(ErrorClassifier.fromThrowable(acquired.cause(), false));
                return;
            }
            HttpClientRequest http = acquired.result();
            // The caller times the attempt; when it gives up, the upstream request is reset.
            request.reply().onStop(() -> http.reset());
            // Callbacks rather than composed futures: two fewer future stages on every call.
            http.send(body(request)).onComplete(sent -> {
                if (sent.failed()) {
                    result.tryFail(ErrorClassifier.fromThrowable(sent.cause(), false));
                    return;
                }
                HttpClientResponse resp = sent.result();
                answerBody(resp).onComplete(read -> {
                    if (read.failed()) {
                        result.tryFail(ErrorClassifier.fromThrowable(read.cause(), true));
                        return;
                    }
                    try {
                        result.tryComplete(completion(resp, read.result(), request.model()));
                    } catch (RuntimeException e) {
                        result.tryFail(ErrorClassifier.fromThrowable(e, true));
                    }
                });
            });
        });
        return result.future();
    }

    /**
     * The answer's body: its one chunk as it came, or the chunks joined in a buffer of the gateway's own. Vert.x's
     * {@code body()} copies even a single chunk into a new, grown buffer: a kilobyte or two of garbage on every call.
     */
    private static Future<Buffer> answerBody(HttpClientResponse resp) {
        Promise<Buffer> done = Promise.promise();
        AnswerChunks chunks = new AnswerChunks();
        resp.exceptionHandler(done::tryFail)
                .handler(chunks)
                .endHandler(v -> done.tryComplete(chunks.body()));
        return done.future();
    }

    private static final class AnswerChunks implements Handler<Buffer> {
        private Buffer first;
        private Buffer joined;

        @Override
        public void handle(Buffer chunk) {
            if (first == null) {
                first = chunk;
            } else if (joined == null) {
                joined = Buffer.buffer(first.length() + chunk.length()).appendBuffer(first).appendBuffer(chunk);
            } else {
                joined.appendBuffer(chunk);
            }
        }

        Buffer body() {
            return joined != null ? joined : first != null ? first : Buffer.buffer();
        }
    }

    private static Completion completion(HttpClientResponse resp, Buffer body, String model) {
        if (resp.statusCode() / 100 != 2) {
            throw failure(resp, body);
        }
        Tokens tokens = CompletionScan.passThrough(body);
        if (tokens != null) {
            return new Completion(body, tokens);
        }
        JsonObject json;
        try {
            json = JsonBodies.object(body);
        } catch (DecodeException e) {
            throw new UpstreamFailure(ErrorClass.MALFORMED, resp.statusCode(), "the upstream's answer is not a JSON object", -1, null);
        }
        if (json.getValue("error") != null) {
            throw ErrorClassifier.fromStreamError(json);
        }
        if (json.getJsonArray("choices") == null) {
            throw new UpstreamFailure(ErrorClass.MALFORMED, resp.statusCode(), "the upstream's answer has no 'choices'", -1, null);
        }
        return Completions.normalizeCompletion(json, model) ? Completion.of(json) : new Completion(body, Tokens.of(json));
    }

    private static UpstreamFailure failure(HttpClientResponse resp, Buffer body) {
        return ErrorClassifier.fromResponse(resp.statusCode(), body, resp.getHeader("retry-after"), resp.getHeader("retry-after-ms"));
    }

    @Override
    protected void stream(ProviderRequest request, StreamSender sender) {
        client.request(options(request)).onComplete(acquired -> {
            if (acquired.failed()) {
                sender.fail(ErrorClassifier.fromThrowable(acquired.cause(), false));
            } else if (sender.isDone()) {
                acquired.result().reset();
            } else {
                new UpstreamSse(vertx, request, sender, acquired.result()).start(body(request));
            }
        });
    }

    private RequestOptions options(ProviderRequest request) {
        RequestOptions[] byMode = options.computeIfAbsent(request.key(), k -> new RequestOptions[2]);
        int mode = request.stream() ? 1 : 0;
        RequestOptions o = byMode[mode];
        if (o == null || o.getConnectTimeout() != request.limits().connectTimeoutMs()) {
            o = newOptions(request);
            byMode[mode] = o;
        }
        return o;
    }

    private RequestOptions newOptions(ProviderRequest request) {
        RequestOptions o = new RequestOptions()
                .setMethod(HttpMethod.POST)
                // The address given, Vert.x does not build one from host and port again on every call.
                .setServer(endpoint.address())
                .setHost(endpoint.host())
                .setPort(endpoint.port())
                .setSsl(endpoint.ssl())
                .setURI(endpoint.completionsPath())
                .setConnectTimeout(request.limits().connectTimeoutMs())
                .putHeader(HttpHeaders.CONTENT_TYPE, JSON)
                .putHeader(HttpHeaders.USER_AGENT, USER_AGENT)
                .putHeader(HttpHeaders.ACCEPT, request.stream() ? EVENT_STREAM : JSON);
        if (request.key().value() != null) {
            o.putHeader(HttpHeaders.AUTHORIZATION, HttpHeaders.createOptimized("Bearer " + request.key().value()));
        }
        return o;
    }

    /** The client's fields, the model this target serves, then the provider's and the request's extra_body. */
    private Buffer body(ProviderRequest request) {
        if (request.body() != null && provider.extraBody().isEmpty() && request.extraBody() == null) {
            return request.body();
        }
        JsonObject body = new JsonObject(new LinkedHashMap<>(request.fields().getMap()));
        body.put("model", request.model());
        body.getMap().putAll(provider.extraBody().getMap());
        if (request.extraBody() != null) {
            body.getMap().putAll(request.extraBody().getMap());
        }
        return body.toBuffer();
    }
}
