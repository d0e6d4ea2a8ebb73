package io.agentmatch.contract.config;

import java.util.List;
import java.util.stream.Collectors;

/**
 * The settings one component declares, in one list: what it logs at start (secrets masked) and
 * what the README's configuration table is checked against.
 *
 * @param component the component's name as operators know it (api, processor, ...)
 */
public record SettingsCatalog(String component, List<Setting<?>> settings) {
    public SettingsCatalog {
        settings = List.copyOf(settings);
    }

    /** The settings of several groups (shared, the component's own, the model's, ...), in that order. */
    @SafeVarargs
    public static SettingsCatalog of(String component, List<? extends Setting<?>>... groups) {
        List<Setting<?>> all = new java.util.ArrayList<>();
        for (List<? extends Setting<?>> group : groups) {
            all.addAll(group);
        }
        return new SettingsCatalog(component, all);
    }

    /** One line for the start-up log: every setting's effective value, secrets masked. */
    public String describe(Env env) {
        return component + " settings: " + settings.stream().map(s -> s.describe(env)).collect(Collectors.joining(", "));
    }

    /** Reads every setting once, so that a bad value fails at start, naming its variable. */
    public void validate(Env env) {
        settings.forEach(s -> s.read(env));
    }
}
