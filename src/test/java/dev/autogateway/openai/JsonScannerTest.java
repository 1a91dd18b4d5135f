package dev.autogateway.openai;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The scanner decides whether an upstream's bytes go to clients unread by anything else, so it must never accept
 * what a JSON parser refuses. Checked against Jackson on documents and on every single-byte cut, change, deletion
 * and insertion of them.
 */
class JsonScannerTest {
    private static final JsonFactory JACKSON = new JsonFactory();
    private static final List<String> DOCUMENTS = List.of(
            "{\"id\":\"chatcmpl-1\",\"object\":\"chat.completion\",\"created\":1700000000,\"model\":\"gpt-4o\",\"choices\":[{\"index\":0,"
                    + "\"message\":{\"role\":\"assistant\",\"content\":\"Hi \\\"there\\\" \\\\ \\/ \\b\\f\\n\\r\\t \\u00e9\\uD83D\\uDE00 {[\","
                    + "\"refusal\":null,\"annotations\":[]},\"logprobs\":null,\"finish_reason\":\"stop\"}],\"usage\":{\"prompt_tokens\":9,"
                    + "\"completion_tokens\":14,\"total_tokens\":23,\"prompt_tokens_details\":{\"cached_tokens\":0}},\"system_fingerprint\":\"fp\"}",
            "{\"content\":\"h\u00e9llo \u65e5\u672c \ud83d\ude00 \u00ff\",\"n\":[-0,0,1,-12,3.25,1e5,1E+5,2.5e-3,-0.0,123456789012345678901234567890],"
                    + "\"t\":true,\"f\":false,\"z\":null,\"e\":{},\"a\":[],\"nested\":[[[{}]],[[]],{\"x\":[1,{\"y\":\"\"}]}]}",
            " \n\t\r{ \"spaced\" : [ 1 , 2 ] , \"k\" : { } } \n",
            "[1,\"two\",{\"three\":3}]",
            "\"just a string\"",
            "-12.5e3",
            "true");
    private static final byte[] PROBES = {'"', '\\', ',', ':', '{', '}', '[', ']', ' ', 'x', '0', '-', '.', 'e', 'u', 0x01,
            (byte) 0x80, (byte) 0xC3, (byte) 0xE9, (byte) 0xED, (byte) 0xF0, (byte) 0xFF};

    @Test
    void reads_valid_documents_token_for_token_as_jackson_does() throws IOException {
        for (String doc : DOCUMENTS) {
            byte[] bytes = doc.getBytes(UTF_8);
            assertThat(scanner(bytes)).as(doc).isEqualTo(jackson(bytes));
        }
    }

    @Test
    void never_accepts_a_damaged_document_that_jackson_refuses() throws IOException {
        int variants = 0, accepted = 0;
        for (String doc : DOCUMENTS) {
            byte[] bytes = doc.getBytes(UTF_8);
            for (byte[] variant : damaged(bytes)) {
                variants++;
                List<String> mine = scanner(variant);
                if (mine != null) {
                    accepted++;
                    assertThat(jackson(variant)).as(new String(variant, UTF_8)).isEqualTo(mine);
                }
            }
        }
        assertThat(variants).isGreaterThan(20_000);
        assertThat(accepted).as("some variants are still JSON (a digit changed, a space added)").isPositive();
    }

    @Test
    void reads_any_byte_at_any_place_in_a_string_as_jackson_does() throws IOException {
        // Past their first 16 bytes strings are read eight bytes at a time: every kind of byte at every place, around the groups.
        byte[][] probes = {{'"'}, {'\\', '"'}, {'\\', 'n'}, {'\\', 'u', '0', '0', 'e', '9'}, {'\\'}, {0x01}, {0x1F}, {0x7F}, {'!'},
                {(byte) 0xC3, (byte) 0xA9}, {(byte) 0xE2, (byte) 0x82, (byte) 0xAC}, {(byte) 0xF0, (byte) 0x9F, (byte) 0x98, (byte) 0x80},
                {(byte) 0xC3}, {(byte) 0x80}, {(byte) 0xFF}, {'"', ','}};
        int accepted = 0;
        for (int length = 0; length <= 40; length++) {
            for (int at = 0; at <= length; at++) {
                for (byte[] probe : probes) {
                    String text = "a".repeat(at) + new String(probe, java.nio.charset.StandardCharsets.ISO_8859_1) + "b".repeat(length - at);
                    byte[] doc = ("{\"k\":\"" + text + "\",\"n\":1}").getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
                    List<String> mine = scanner(doc);
                    List<String> theirs = jackson(doc);
                    assertThat(mine).as(text).isEqualTo(theirs);
                    if (mine != null) {
                        accepted++;
                        JsonScanner sc = new JsonScanner(doc);
                        sc.next();
                        sc.next();
                        sc.next();
                        assertThat(sc.textLength()).as(text).isEqualTo(at + probe.length + length - at);
                    }
                }
            }
        }
        assertThat(accepted).as("the valid probes").isPositive();
    }

    @Test
    void reads_names_strings_and_integers_as_sent() {
        JsonScanner s = new JsonScanner("{\"usage\":{\"prompt_tokens\":-42,\"content\":\"\",\"big\":1234567890123456789}}".getBytes(UTF_8));
        assertThat(s.next()).isEqualTo(JsonScanner.Token.START_OBJECT);
        assertThat(s.next()).isEqualTo(JsonScanner.Token.NAME);
        assertThat(s.textIs("usage".getBytes(UTF_8))).isTrue();
        assertThat(s.textIs("usag".getBytes(UTF_8))).isFalse();
        s.next();
        s.next();
        assertThat(s.next()).isEqualTo(JsonScanner.Token.NUMBER);
        assertThat(s.longValue()).isEqualTo(-42);
        s.next();
        assertThat(s.next()).isEqualTo(JsonScanner.Token.STRING);
        assertThat(s.textLength()).isZero();
        s.next();
        assertThat(s.next()).isEqualTo(JsonScanner.Token.NUMBER);
        assertThatThrownBy(s::longValue).as("19 digits: not vouched for").isInstanceOf(JsonScanner.Unsure.class);
    }

    @Test
    void leaves_escaped_names_fractional_counts_and_deep_nesting_to_the_ordinary_parser() {
        for (String doc : List.of("{\"\\u0069d\":1}", "{\"n\":1.0}", "[".repeat(65) + "]".repeat(65))) {
            JsonScanner s = new JsonScanner(doc.getBytes(UTF_8));
            assertThatThrownBy(() -> {
                while (s.next() != null) {
                    if (s.textLength() == 3) {
                        s.longValue();
                    }
                }
            }).as(doc).isInstanceOf(JsonScanner.Unsure.class);
        }
        assertThat(scanner(("[".repeat(64) + "]".repeat(64)).getBytes(UTF_8))).as("64 deep is fine").isNotNull();
    }

    /** What Jackson refuses by default (StreamReadConstraints) the scanner leaves to it, and takes what is just within. */
    @Test
    void leaves_what_jackson_refuses_for_its_size_to_jackson() throws IOException {
        com.fasterxml.jackson.core.StreamReadConstraints limits = com.fasterxml.jackson.core.StreamReadConstraints.defaults();
        String number = "1".repeat(limits.getMaxNumberLength());
        String name = "n".repeat(limits.getMaxNameLength());
        String string = "s".repeat(limits.getMaxStringLength());
        for (String[] pair : new String[][] {{"[" + number + "]", "[" + number + "1]"},
                {"{\"" + name + "\":1}", "{\"" + name + "n\":1}"}, {"[\"" + string + "\"]", "[\"" + string + "s\"]"}}) {
            byte[] within = pair[0].getBytes(UTF_8);
            byte[] over = pair[1].getBytes(UTF_8);
            assertThat(jackson(within)).isNotNull();
            assertThat(scanner(within)).as("within the limit").isNotNull();
            assertThat(jackson(over)).as("Jackson refuses it").isNull();
            assertThat(scanner(over)).as("over the limit").isNull();
        }
    }

    @Test
    void skips_a_container_to_its_end() {
        JsonScanner s = new JsonScanner("{\"a\":{\"b\":[1,{\"c\":[]}],\"d\":\"}\"},\"e\":2}".getBytes(UTF_8));
        s.next();
        s.next();
        assertThat(s.next()).isEqualTo(JsonScanner.Token.START_OBJECT);
        s.skipChildren();
        assertThat(s.next()).isEqualTo(JsonScanner.Token.NAME);
        assertThat(s.textIs("e".getBytes(UTF_8))).isTrue();
        assertThat(s.next()).isEqualTo(JsonScanner.Token.NUMBER);
        s.skipChildren();
        assertThat(s.next()).isEqualTo(JsonScanner.Token.END_OBJECT);
        assertThat(s.next()).isNull();
    }

    private static List<byte[]> damaged(byte[] doc) {
        List<byte[]> out = new ArrayList<>();
        for (int i = 0; i < doc.length; i++) {
            out.add(Arrays.copyOf(doc, i));
            byte[] deleted = new byte[doc.length - 1];
            System.arraycopy(doc, 0, deleted, 0, i);
            System.arraycopy(doc, i + 1, deleted, i, doc.length - i - 1);
            out.add(deleted);
            for (byte probe : PROBES) {
                byte[] changed = doc.clone();
                changed[i] = probe;
                out.add(changed);
                byte[] inserted = new byte[doc.length + 1];
                System.arraycopy(doc, 0, inserted, 0, i);
                inserted[i] = probe;
                System.arraycopy(doc, i, inserted, i + 1, doc.length - i);
                out.add(inserted);
            }
        }
        return out;
    }

    /** The token sequence, or null when the scanner does not vouch for the bytes. */
    private static List<String> scanner(byte[] bytes) {
        List<String> tokens = new ArrayList<>();
        JsonScanner s = new JsonScanner(bytes);
        try {
            for (JsonScanner.Token t = s.next(); t != null; t = s.next()) {
                tokens.add(t.name());
            }
        } catch (JsonScanner.Unsure e) {
            return null;
        }
        return tokens;
    }

    /** The same names for Jackson's tokens, decoding every string so that its UTF-8 is checked; null if it refuses. */
    private static List<String> jackson(byte[] bytes) throws IOException {
        List<String> tokens = new ArrayList<>();
        try (JsonParser p = JACKSON.createParser(bytes)) {
            for (JsonToken t = p.nextToken(); t != null; t = p.nextToken()) {
                if (!tokens.isEmpty() && p.getParsingContext().inRoot() && t.isStructStart() | t.isScalarValue()) {
                    return null; // a second top-level value
                }
                if (t == JsonToken.FIELD_NAME || t == JsonToken.VALUE_STRING) {
                    p.getText();
                }
                tokens.add(switch (t) {
                    case FIELD_NAME -> "NAME";
                    case VALUE_STRING -> "STRING";
                    case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> "NUMBER";
                    case VALUE_TRUE -> "TRUE";
                    case VALUE_FALSE -> "FALSE";
                    case VALUE_NULL -> "NULL";
                    default -> t.name();
                });
            }
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            return null;
        }
        return tokens;
    }
}
