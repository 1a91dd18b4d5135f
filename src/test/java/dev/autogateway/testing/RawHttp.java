package dev.autogateway.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

/**
 * One chat request on a raw socket, for headers the JDK's client refuses to send. {@code extraHeaders} are written
 * as given, one byte a char (ISO-8859-1), each ending in CRLF; the connection closes after the answer.
 */
public final class RawHttp {
    private RawHttp() {}

    public static Response post(int port, String extraHeaders, byte[] body) throws IOException {
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.setSoTimeout(10_000);
            s.getOutputStream().write(("POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nConnection: close\r\n"
                    + "Content-Type: application/json\r\n" + extraHeaders + "Content-Length: " + body.length + "\r\n\r\n")
                    .getBytes(StandardCharsets.ISO_8859_1));
            s.getOutputStream().write(body);
            s.getOutputStream().flush();
            ByteArrayOutputStream all = new ByteArrayOutputStream();
            s.getInputStream().transferTo(all);
            String raw = all.toString(StandardCharsets.ISO_8859_1);
            int end = raw.indexOf("\r\n\r\n");
            assertThat(end).as("a complete response head in: " + raw).isPositive();
            return new Response(Arrays.asList(raw.substring(0, end).split("\r\n", -1)),
                    new String(raw.substring(end + 4).getBytes(StandardCharsets.ISO_8859_1), StandardCharsets.UTF_8));
        }
    }

    /** The response head's lines as sent, and its body. */
    public record Response(List<String> lines, String body) {
        public String status() {
            return lines.get(0);
        }

        public List<String> headerLines() {
            return lines.subList(1, lines.size());
        }

        public String header(String name) {
            return headerLines().stream().filter(l -> l.regionMatches(true, 0, name + ":", 0, name.length() + 1))
                    .map(l -> l.substring(name.length() + 1).strip()).findFirst().orElse(null);
        }
    }
}
