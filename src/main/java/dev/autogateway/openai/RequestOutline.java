package dev.autogateway.openai;

import java.util.List;
import java.util.function.Supplier;

/**
 * What routing reads of a request, found by {@link RequestScan} in the client's bytes: the same facts
 * {@code RequestNeeds} and {@code StickySessions} would read from its fields.
 *
 * @param userPartTypes the types of the user messages' content parts, but {@code text}, in order
 * @param tools whether it offers tools (a non-empty {@code tools} or {@code functions} array)
 * @param outputTokens the answer length asked for ({@code max_completion_tokens}, else {@code max_tokens}); 0 if none
 * @param user the {@code user} field when it is a string, else null
 * @param system the content of the first system or developer message that has one before the first user message,
 *     read as the fields would hold it (a string or an array of parts) only when asked for; null if none
 * @param firstUser the first user message's content, likewise; null if none or it has none
 * @param promptChars the characters {@code RequestNeeds} sizes a prompt by (the messages' texts, and the tools written
 *     as JSON when there are tools); 0 when not counted (see {@link ChatRequest#sizePrompt})
 * @param messages how many messages it has
 */
public record RequestOutline(List<String> userPartTypes, boolean tools, int outputTokens, String user,
        Supplier<Object> system, Supplier<Object> firstUser, long promptChars, int messages) {}
