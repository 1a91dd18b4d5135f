package dev.autogateway.testing;

import java.util.ArrayList;
import java.util.List;

/** Reads SSE the way a strict client does: events separated by blank lines, their data lines joined. */
public final class Sse {
    private Sse() {}

    public static List<String> payloads(String text) {
        List<String> out = new ArrayList<>();
        for (String event : text.split("\r?\n\r?\n")) {
            StringBuilder data = null;
            for (String line : event.split("\r?\n")) {
                if (line.startsWith("data:")) {
                    String v = line.substring(line.startsWith("data: ") ? 6 : 5);
                    data = data == null ? new StringBuilder(v) : data.append('\n').append(v);
                }
            }
            if (data != null) {
                out.add(data.toString());
            }
        }
        return out;
    }
}
