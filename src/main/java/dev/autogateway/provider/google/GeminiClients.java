package dev.autogateway.provider.google;

import com.google.genai.Client;
import com.google.genai.types.ClientOptions;
import com.google.genai.types.HttpOptions;
import com.google.genai.types.HttpRetryOptions;
import dev.autogateway.config.ApiKey;
import dev.autogateway.config.ProviderConfig;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import okhttp3.ConnectionPool;
import okhttp3.OkHttpClient;

/**
 * One SDK {@link Client} per API key of a provider, built when the first verticle instance starts and closed when
 * the last one stops: every instance shares them, so each key has one connection pool however many instances and
 * calls there are (the original built a client, and a pool, per call).
 */
final class GeminiClients {
    private final ProviderConfig provider;
    private volatile Map<String, Client> byKey = Map.of();
    private int users;

    GeminiClients(ProviderConfig provider) {
        this.provider = provider;
    }

    synchronized void acquire() {
        if (users++ == 0) {
            Map<String, Client> clients = new HashMap<>();
            for (ApiKey key : provider.keys()) {
                clients.put(key.fingerprint(), build(key));
            }
            byKey = Map.copyOf(clients);
        }
    }

    synchronized void release() {
        if (--users == 0) {
            Map<String, Client> clients = byKey;
            byKey = Map.of();
            clients.values().forEach(Client::close);
        }
    }

    Client forKey(ApiKey key) {
        Client c = byKey.get(key.fingerprint());
        if (c == null) {
            throw new IllegalStateException("no Gemini client for key " + key + " of provider " + provider.name());
        }
        return c;
    }

    private Client build(ApiKey key) {
        OkHttpClient http = new OkHttpClient.Builder()
                // Idle keep-alive connections for as many calls as may run at once.
                .connectionPool(new ConnectionPool(provider.workers(), 5, TimeUnit.MINUTES))
                // The attempt's own connect timeout replaces this per call; no read timeout, because a model may
                // think for minutes before its first byte: the verticle's timers and the call timeout watch that.
                .connectTimeout(Duration.ofSeconds(10))
                .readTimeout(Duration.ZERO)
                .writeTimeout(Duration.ZERO)
                .addInterceptor(UpstreamCall.INTERCEPTOR)
                .build();
        HttpOptions options = HttpOptions.builder()
                .baseUrl(provider.baseUrl().toString())
                .apiVersion(provider.apiVersion())
                // The SDK would retry 408/429/5xx five times with backoff (about 30 s on a 429); the router decides.
                // attempts(1) alone is not enough: SDK 2.0.0 still sleeps its backoff (0-2 s) after the one failed
                // attempt before returning it, so no status counts as retryable either.
                .retryOptions(HttpRetryOptions.builder().attempts(1).httpStatusCodes(List.of()).build())
                .build();
        return Client.builder()
                .apiKey(key.value())
                // Explicit, so that GOOGLE_GENAI_USE_VERTEXAI in the environment cannot turn the client into Vertex's.
                .vertexAI(false)
                .httpOptions(options)
                .clientOptions(ClientOptions.builder().customHttpClient(http).build())
                .build();
    }
}
