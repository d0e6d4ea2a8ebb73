package io.agentmatch.contract.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * One configuration setting, declared once: its environment variable, default, parser, what it
 * expects and one line of documentation (the habit of Kafka's {@code ConfigDef}). Components read
 * their configuration only through settings ({@link #read(Env)}), so a bad value always fails with
 * the variable's name and what it expected, and the README's configuration table is checked
 * against the declarations ({@code conformance} module).
 *
 * @param <T> the parsed type; {@code null} is the value of an unset setting without a default
 */
public final class Setting<T> {
    private final String name;
    private final String defaultText;
    private final String expected;
    private final String doc;
    private final Function<String, T> parser;
    private final boolean secret;

    private Setting(String name, String defaultText, String expected, String doc, Function<String, T> parser, boolean secret) {
        if (!name.matches("[A-Z][A-Z0-9_]*")) {
            throw new IllegalArgumentException("setting names are upper-case environment variable names: " + name);
        }
        this.name = name;
        this.defaultText = defaultText;
        this.expected = expected;
        this.doc = Objects.requireNonNull(doc, "doc");
        this.parser = parser;
        this.secret = secret;
    }

    // --- declarations ------------------------------------------------------------------------------

    /** Free text; {@code defaultValue} null means "unset" (the reader gets null). */
    public static Setting<String> text(String name, String defaultValue, String doc) {
        return new Setting<>(name, defaultValue, "a string", doc, Function.identity(), false);
    }

    public static Setting<Path> path(String name, String defaultValue, String doc) {
        return new Setting<>(name, defaultValue, "a file system path", doc, Path::of, false);
    }

    public static Setting<Integer> integer(String name, int defaultValue, int min, int max, String doc) {
        String range = max == Integer.MAX_VALUE ? "an integer >= " + min : "an integer from " + min + " to " + max;
        return new Setting<>(name, Integer.toString(defaultValue), range, doc, text -> {
            int value = Integer.parseInt(text);
            if (value < min || value > max) {
                throw new IllegalArgumentException("out of range");
            }
            return value;
        }, false);
    }

    /** A port: 0 lets the operating system choose a free one. */
    public static Setting<Integer> port(String name, int defaultValue, String doc) {
        return integer(name, defaultValue, 0, 65_535, doc);
    }

    public static Setting<Boolean> flag(String name, boolean defaultValue, String doc) {
        return new Setting<>(name, Boolean.toString(defaultValue), "true or false", doc, text -> switch (text.toLowerCase(Locale.ROOT)) {
            case "true" -> Boolean.TRUE;
            case "false" -> Boolean.FALSE;
            default -> throw new IllegalArgumentException("not a boolean");
        }, false);
    }

    /** A duration in milliseconds (the variable's name ends in {@code _MS}). */
    public static Setting<Duration> millis(String name, long defaultMillis, long minMillis, String doc) {
        return new Setting<>(name, Long.toString(defaultMillis), "a number of milliseconds >= " + minMillis, doc, text -> {
            long value = Long.parseLong(text);
            if (value < minMillis) {
                throw new IllegalArgumentException("out of range");
            }
            return Duration.ofMillis(value);
        }, false);
    }

    /** One of an enum's constants, case-insensitive. */
    public static <E extends Enum<E>> Setting<E> choice(String name, Class<E> type, E defaultValue, String doc) {
        String names = Arrays.stream(type.getEnumConstants()).map(e -> e.name().toLowerCase(Locale.ROOT))
                .collect(Collectors.joining(", "));
        return new Setting<>(name, defaultValue == null ? null : defaultValue.name().toLowerCase(Locale.ROOT), "one of " + names,
                doc, text -> Enum.valueOf(type, text.toUpperCase(Locale.ROOT).replace('-', '_')), false);
    }

    /**
     * One of {@code values}, spelled exactly so (for a setting also read by something that compares
     * text as it is, such as Logback's configuration).
     */
    public static Setting<String> oneOf(String name, String defaultValue, String doc, String... values) {
        List<String> allowed = List.of(values);
        return new Setting<>(name, defaultValue, "one of " + String.join(", ", allowed) + " (exactly so)", doc, text -> {
            if (!allowed.contains(text)) {
                throw new IllegalArgumentException("not one of " + allowed);
            }
            return text;
        }, false);
    }

    /** The same setting, never logged or printed in clear. */
    public Setting<T> secret() {
        return new Setting<>(name, defaultText, expected, doc, parser, true);
    }

    // --- reading -----------------------------------------------------------------------------------

    /**
     * The value in {@code env} (blank counts as unset), else the default.
     *
     * @throws IllegalArgumentException naming the variable, the value (unless secret) and what was expected
     */
    public T read(Env env) {
        String raw = env.raw(name);
        String text = raw == null || raw.isBlank() ? defaultText : raw.trim();
        if (text == null) {
            return null;
        }
        try {
            return parser.apply(text);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException(name + " must be " + expected + ", got "
                    + (secret ? "a value that is not" : "'" + text + "'"));
        }
    }

    /** Whether the environment sets this variable (to a non-blank value). */
    public boolean isSet(Env env) {
        String raw = env.raw(name);
        return raw != null && !raw.isBlank();
    }

    /** The effective value as an operator should see it: secrets masked, unset shown as such. */
    public String describe(Env env) {
        String raw = env.raw(name);
        boolean set = raw != null && !raw.isBlank();
        String text = set ? raw.trim() : defaultText;
        String shown = text == null ? "(unset)" : secret ? "[hidden]" : text;
        return name + "=" + shown + (set ? "" : " (default)");
    }

    public String name() {
        return name;
    }

    /** The default as written in the environment, or null when the setting has none. */
    public String defaultText() {
        return defaultText;
    }

    public String expected() {
        return expected;
    }

    public String doc() {
        return doc;
    }

    public boolean isSecret() {
        return secret;
    }

    @Override
    public String toString() {
        return name;
    }
}
