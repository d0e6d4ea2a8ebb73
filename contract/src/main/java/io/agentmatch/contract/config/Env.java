package io.agentmatch.contract.config;

import java.util.Map;

/** Reads configuration from environment variables, falling back to JVM system properties of the same name. */
public final class Env {
    private final Map<String, String> vars;

    public Env(Map<String, String> vars) {
        this.vars = Map.copyOf(vars);
    }

    public static Env system() {
        var merged = new java.util.HashMap<String, String>(System.getenv());
        System.getProperties().forEach((k, v) -> merged.putIfAbsent(k.toString(), v.toString()));
        return new Env(merged);
    }

    public String get(String name, String fallback) {
        String value = vars.get(name);
        return value == null || value.isBlank() ? fallback : value.trim();
    }

    /** The value as given, blank or not; null only when the variable is not set at all. */
    public String raw(String name) {
        return vars.get(name);
    }

    public String optional(String name) {
        return get(name, null);
    }

    public int getInt(String name, int fallback) {
        String value = optional(name);
        if (value == null) {
            return fallback;
        }
        try {
            return Integer.parseInt(value);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + " must be an integer, got '" + value + "'");
        }
    }

    public boolean getBoolean(String name, boolean fallback) {
        String value = optional(name);
        return value == null ? fallback : Boolean.parseBoolean(value);
    }
}
