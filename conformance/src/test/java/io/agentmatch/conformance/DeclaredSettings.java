package io.agentmatch.conformance;

import io.agentmatch.api.IngestApiMain;
import io.agentmatch.contract.config.Setting;
import io.agentmatch.contract.config.SettingsCatalog;
import io.agentmatch.localstack.StackSettings;
import io.agentmatch.migrator.MigratorMain;
import io.agentmatch.processor.ProcessorMain;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Every setting any component or tool declares, by name. */
final class DeclaredSettings {
    private DeclaredSettings() {
    }

    static List<SettingsCatalog> catalogs() {
        return List.of(IngestApiMain.SETTINGS, ProcessorMain.SETTINGS, MigratorMain.SETTINGS,
                new SettingsCatalog("local-stack", StackSettings.SETTINGS));
    }

    static Map<String, Setting<?>> byName() {
        Map<String, Setting<?>> all = new TreeMap<>();
        for (SettingsCatalog catalog : catalogs()) {
            catalog.settings().forEach(s -> all.put(s.name(), s));
        }
        return all;
    }
}
