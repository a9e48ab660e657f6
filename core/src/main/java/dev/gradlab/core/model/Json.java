package dev.gradlab.core.model;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The JSON a safetensors header and a {@link ModelSpec} need: objects (kept in order), arrays,
 * strings, integers and booleans.
 * {@link #parse} fails with a {@link ModelFormatException} naming the file and the byte offset.
 */
final class Json {

    /** A safetensors header nests three levels; deeper input is refused before it exhausts the stack. */
    private static final int MAX_DEPTH = 16;

    private final String text;
    private final String file;
    private final long base;
    private int pos;
    private int depth;

    private Json(String text, String file, long base) {
        this.text = text;
        this.file = file;
        this.base = base;
    }

    /** Parses {@code text}, which starts at byte {@code base} of {@code file}. */
    static Object parse(String text, String file, long base) {
        Json j = new Json(text, file, base);
        Object v = j.value();
        j.space();
        if (j.pos != text.length()) {
            throw j.error("expected the end of the header, got '" + text.charAt(j.pos) + "'");
        }
        return v;
    }

    static String quote(String s) {
        StringBuilder b = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                default -> {
                    if (c < 0x20) {
                        b.append(String.format("\\u%04x", (int) c));
                    } else {
                        b.append(c);
                    }
                }
            }
        }
        return b.append('"').toString();
    }

    private ModelFormatException error(String message) {
        int at = Math.min(pos, text.length());
        return new ModelFormatException(
                file, base + text.substring(0, at).getBytes(StandardCharsets.UTF_8).length, message);
    }

    private void space() {
        while (pos < text.length() && Character.isWhitespace(text.charAt(pos))) {
            pos++;
        }
    }

    private void expect(char c) {
        space();
        if (pos >= text.length() || text.charAt(pos) != c) {
            throw error("expected '" + c + "', got "
                    + (pos >= text.length() ? "the end of the header" : "'" + text.charAt(pos) + "'"));
        }
        pos++;
    }

    private Object value() {
        space();
        if (pos >= text.length()) {
            throw error("expected a value, got the end of the header");
        }
        char c = text.charAt(pos);
        if (c == '{' || c == '[') {
            if (++depth > MAX_DEPTH) {
                throw error("objects and arrays nest deeper than " + MAX_DEPTH + " levels");
            }
            char close = c == '{' ? '}' : ']';
            Map<String, Object> m = new LinkedHashMap<>();
            List<Object> l = new ArrayList<>();
            pos++;
            space();
            if (!(pos < text.length() && text.charAt(pos) == close)) {
                do {
                    space();
                    if (close == ']') {
                        l.add(value());
                    } else {
                        int at = pos;
                        String key = string();
                        expect(':');
                        if (m.put(key, value()) != null) {
                            pos = at;
                            throw error("duplicate key \"" + key + "\"");
                        }
                    }
                    space();
                } while (pos < text.length() && text.charAt(pos) == ',' && ++pos > 0);
            }
            expect(close);
            depth--;
            return close == '}' ? m : l;
        }
        if (c == '"') {
            return string();
        }
        for (String literal : new String[] {"true", "false"}) {
            if (text.startsWith(literal, pos)) {
                pos += literal.length();
                return Boolean.valueOf(literal);
            }
        }
        if (c == '-' || (c >= '0' && c <= '9')) {
            int start = pos;
            pos++;
            while (pos < text.length() && Character.isDigit(text.charAt(pos))) {
                pos++;
            }
            try {
                return Long.parseLong(text.substring(start, pos));
            } catch (NumberFormatException e) {
                pos = start;
                throw error("expected an integer, got '" + text.substring(start, Math.min(text.length(), start + 24))
                        + "'");
            }
        }
        throw error("expected a value, got '" + c + "'");
    }

    private String string() {
        if (pos >= text.length() || text.charAt(pos) != '"') {
            throw error("expected a string");
        }
        pos++;
        StringBuilder b = new StringBuilder();
        while (true) {
            if (pos >= text.length()) {
                throw error("unterminated string");
            }
            char c = text.charAt(pos++);
            if (c == '"') {
                return b.toString();
            }
            if (c != '\\') {
                b.append(c);
                continue;
            }
            if (pos >= text.length()) {
                throw error("unterminated string");
            }
            char e = text.charAt(pos++);
            switch (e) {
                case '"', '\\', '/' -> b.append(e);
                case 'n' -> b.append('\n');
                case 't' -> b.append('\t');
                case 'r' -> b.append('\r');
                case 'b' -> b.append('\b');
                case 'f' -> b.append('\f');
                case 'u' -> {
                    if (pos + 4 > text.length()) {
                        throw error("truncated \\u escape");
                    }
                    try {
                        b.append((char) Integer.parseInt(text.substring(pos, pos + 4), 16));
                    } catch (NumberFormatException x) {
                        throw error("malformed \\u escape");
                    }
                    pos += 4;
                }
                default -> throw error("unknown escape \\" + e);
            }
        }
    }
}
