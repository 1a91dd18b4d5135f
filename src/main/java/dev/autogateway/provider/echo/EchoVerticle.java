package dev.autogateway.provider.echo;

import dev.autogateway.config.ProviderConfig;
import dev.autogateway.openai.Completions;
import dev.autogateway.provider.Completion;
import dev.autogateway.provider.ProviderRequest;
import dev.autogateway.provider.ProviderVerticle;
import dev.autogateway.provider.StreamSender;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;

/**
 * The built-in {@code echo} provider: answers "Echo: " followed by the last user message's text, after the
 * provider's {@code delay_ms}. Deterministic, so it serves for trying the gateway without an API key and as a
 * load-test target; streams one word per chunk and honours {@code stream_options.include_usage}.
 */
public final class EchoVerticle extends ProviderVerticle {

    public EchoVerticle(ProviderConfig provider) {
        super(provider);
    }

    @Override
    protected Future<Completion> complete(ProviderRequest request) {
        String text = answer(request.fields());
        JsonObject message = new JsonObject().put("role", "assistant").put("content", text).put("refusal", null);
        JsonObject completion = Completions.completion(request.model(), new JsonArray().add(Completions.choice(0, message, "stop")))
                .put("usage", usage(request.fields(), text));
        return provider.delayMs() == 0
                ? Future.succeededFuture(Completion.of(completion))
                : vertx.timer(provider.delayMs()).map(Completion.of(completion));
    }

    @Override
    protected void stream(ProviderRequest request, StreamSender sender) {
        String text = answer(request.fields());
        List<JsonObject> chunks = new ArrayList<>();
        String id = Completions.newId();
        long created = Completions.now();
        chunks.add(Completions.chunk(id, created, request.model(), new JsonObject().put("role", "assistant").put("content", ""), null));
        String[] words = text.split("(?<= )");
        for (String w : words) {
            chunks.add(Completions.chunk(id, created, request.model(), new JsonObject().put("content", w), null));
        }
        chunks.add(Completions.chunk(id, created, request.model(), new JsonObject(), "stop"));
        if (request.includeUsage()) {
            chunks.add(Completions.chunk(id, created, request.model(), new JsonObject(), null)
                    .put("choices", new JsonArray()).put("usage", usage(request.fields(), text)));
        }
        Runnable send = new Runnable() {
            int next;

            @Override
            public void run() {
                while (next < chunks.size() && sender.writable()) {
                    sender.chunk(chunks.get(next++));
                }
                if (next == chunks.size()) {
                    sender.end();
                }
            }
        };
        sender.resumeHandler(send);
        if (provider.delayMs() == 0) {
            send.run();
        } else {
            long timer = vertx.setTimer(provider.delayMs(), id2 -> send.run());
            sender.cancelHandler(() -> vertx.cancelTimer(timer));
        }
    }

    static String answer(JsonObject fields) {
        JsonArray messages = fields.getJsonArray("messages");
        for (int i = messages.size() - 1; i >= 0; i--) {
            JsonObject m = messages.getJsonObject(i);
            if ("user".equals(m.getString("role"))) {
                return "Echo: " + text(m.getValue("content"));
            }
        }
        return "Echo:";
    }

    private static String text(Object content) {
        if (content instanceof String s) {
            return s;
        }
        StringBuilder out = new StringBuilder();
        if (content instanceof JsonArray parts) {
            for (Object p : parts) {
                if (p instanceof JsonObject part && "text".equals(part.getString("type"))) {
                    out.append(out.length() == 0 ? "" : " ").append(part.getString("text", ""));
                }
            }
        }
        return out.toString();
    }

    /** Whitespace-separated words stand in for tokens: deterministic and good enough for a test double. */
    private static JsonObject usage(JsonObject fields, String answer) {
        long prompt = 0;
        for (Object o : fields.getJsonArray("messages")) {
            if (o instanceof JsonObject m) {
                prompt += words(text(m.getValue("content")));
            }
        }
        return Completions.usage(prompt, words(answer));
    }

    private static long words(String s) {
        String t = s.trim();
        return t.isEmpty() ? 0 : t.split("\\s+").length;
    }
}
