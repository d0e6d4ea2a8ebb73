package io.agentmatch.conformance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The README's configuration table lists exactly the declared settings: none undocumented, none stale. */
class ConfigurationTableTest {
    private static final Pattern NAME = Pattern.compile("`([A-Z][A-Z0-9_]+)`");

    @Test
    void theReadmeListsExactlyTheDeclaredSettings() throws IOException {
        Set<String> documented = documentedInReadme();
        Set<String> declared = new TreeSet<>(DeclaredSettings.byName().keySet());
        Set<String> undocumented = new TreeSet<>(declared);
        undocumented.removeAll(documented);
        Set<String> stale = new TreeSet<>(documented);
        stale.removeAll(declared);
        assertEquals(Set.of(), undocumented, "declared but missing from README's configuration table");
        assertEquals(Set.of(), stale, "in README's configuration table but declared by no component");
    }

    @Test
    void sharedSettingsHaveOneMeaning() {
        // The same name in two catalogs must be the same declaration (declared once, referenced elsewhere).
        var seen = new java.util.HashMap<String, Object>();
        for (var catalog : DeclaredSettings.catalogs()) {
            for (var setting : catalog.settings()) {
                Object first = seen.putIfAbsent(setting.name(), setting);
                assertTrue(first == null || first == setting, setting.name() + " is declared twice (" + catalog.component() + ")");
            }
        }
    }

    /** The variable names in the first column of the table under "## Configuration". */
    static Set<String> documentedInReadme() throws IOException {
        String readme = Files.readString(repo().resolve("README.md"));
        int start = readme.indexOf("\n## Configuration");
        int end = readme.indexOf("\n## ", start + 1);
        String section = readme.substring(start, end < 0 ? readme.length() : end);
        Set<String> names = new TreeSet<>();
        for (String line : section.split("\n")) {
            if (!line.startsWith("| `")) {
                continue;
            }
            String firstColumn = line.substring(1, line.indexOf('|', 1));
            Matcher m = NAME.matcher(firstColumn);
            while (m.find()) {
                names.add(m.group(1));
            }
        }
        return names;
    }

    static Path repo() {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            if (Files.isRegularFile(dir.resolve("README.md")) && Files.isDirectory(dir.resolve("conformance"))) {
                return dir;
            }
        }
        throw new IllegalStateException("no repository root above " + Path.of("").toAbsolutePath());
    }
}
