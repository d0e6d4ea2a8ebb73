package io.agentmatch.conformance;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A Dockerfile read as Docker reads it, for the instructions ours use: comments and continuation
 * lines, stages ({@code FROM image AS name}), {@code ENV} in both forms with quoted values, and
 * the flags of {@code RUN} and {@code COPY}. No variable substitution (ours need none outside
 * {@code HEALTHCHECK}, which the shell of the container expands).
 */
record Dockerfile(Path file, List<Stage> stages) {

    record Instruction(String keyword, String arguments) {
    }

    record Stage(String image, String name, List<Instruction> instructions) {
        List<String> arguments(String keyword) {
            return instructions.stream().filter(i -> i.keyword().equals(keyword)).map(Instruction::arguments).toList();
        }

        /** Every ENV of the stage, in order (a later one wins). */
        Map<String, String> env() {
            Map<String, String> env = new LinkedHashMap<>();
            for (String arguments : arguments("ENV")) {
                env.putAll(parseEnv(arguments));
            }
            return env;
        }

        /** The RUN commands, without their flags ({@code --mount=...}). */
        List<String> runs() {
            return arguments("RUN").stream().map(Dockerfile::withoutFlags).toList();
        }

        List<Copy> copies() {
            List<Copy> copies = new ArrayList<>();
            for (String arguments : arguments("COPY")) {
                String from = null;
                List<String> words = new ArrayList<>(List.of(arguments.trim().split("\\s+")));
                while (!words.isEmpty() && words.get(0).startsWith("--")) {
                    String flag = words.remove(0);
                    if (flag.startsWith("--from=")) {
                        from = flag.substring("--from=".length());
                    }
                }
                copies.add(new Copy(from, words.subList(0, words.size() - 1), words.get(words.size() - 1)));
            }
            return copies;
        }

        String last(String keyword) {
            List<String> all = arguments(keyword);
            return all.isEmpty() ? null : all.get(all.size() - 1);
        }
    }

    /** {@code COPY [--from=stage] sources... destination}. */
    record Copy(String from, List<String> sources, String destination) {
    }

    static Dockerfile read(Path file) throws IOException {
        List<Stage> stages = new ArrayList<>();
        List<Instruction> current = null;
        StringBuilder logical = new StringBuilder();
        for (String line : Files.readAllLines(file)) {
            String trimmed = line.strip();
            if (trimmed.startsWith("#") || (trimmed.isEmpty() && logical.isEmpty())) {
                continue; // comments (also inside a continued instruction, as Docker allows) and blank lines
            }
            if (trimmed.endsWith("\\")) {
                logical.append(trimmed, 0, trimmed.length() - 1).append(' ');
                continue;
            }
            logical.append(trimmed);
            String text = logical.toString().strip();
            logical.setLength(0);
            if (text.isEmpty()) {
                continue;
            }
            int space = text.indexOf(' ');
            String keyword = (space < 0 ? text : text.substring(0, space)).toUpperCase(Locale.ROOT);
            String arguments = space < 0 ? "" : text.substring(space + 1).strip();
            if (keyword.equals("FROM")) {
                String[] words = arguments.split("\\s+");
                String name = words.length == 3 && words[1].equalsIgnoreCase("AS") ? words[2] : null;
                current = new ArrayList<>();
                stages.add(new Stage(words[0], name, current));
            } else if (current == null) {
                throw new IllegalStateException(file + ": " + keyword + " before the first FROM");
            } else {
                current.add(new Instruction(keyword, arguments));
            }
        }
        return new Dockerfile(file, List.copyOf(stages));
    }

    Stage stage(String name) {
        return stages.stream().filter(s -> name.equals(s.name())).findFirst()
                .orElseThrow(() -> new AssertionError(file + " has no stage " + name));
    }

    /** The stage the image is made of: the last one. */
    Stage runtime() {
        return stages.get(stages.size() - 1);
    }

    /** {@code ENV a=1 b="two words"} or the legacy {@code ENV a one value}. */
    static Map<String, String> parseEnv(String arguments) {
        Map<String, String> env = new LinkedHashMap<>();
        String text = arguments.strip();
        int firstSpace = text.indexOf(' ');
        int firstEquals = text.indexOf('=');
        if (firstEquals < 0 || (firstSpace >= 0 && firstSpace < firstEquals)) {
            env.put(text.substring(0, firstSpace), text.substring(firstSpace + 1).strip());
            return env;
        }
        int i = 0;
        while (i < text.length()) {
            while (i < text.length() && Character.isWhitespace(text.charAt(i))) {
                i++;
            }
            int equals = text.indexOf('=', i);
            if (equals < 0) {
                break;
            }
            String key = text.substring(i, equals);
            StringBuilder value = new StringBuilder();
            i = equals + 1;
            char quote = 0;
            for (; i < text.length(); i++) {
                char c = text.charAt(i);
                if (quote != 0) {
                    if (c == quote) {
                        quote = 0;
                    } else if (c == '\\' && quote == '"' && i + 1 < text.length()) {
                        value.append(text.charAt(++i));
                    } else {
                        value.append(c);
                    }
                } else if (c == '"' || c == '\'') {
                    quote = c;
                } else if (Character.isWhitespace(c)) {
                    break;
                } else {
                    value.append(c);
                }
            }
            env.put(key, value.toString());
        }
        return env;
    }

    private static String withoutFlags(String arguments) {
        String text = arguments.strip();
        while (text.startsWith("--")) {
            int space = text.indexOf(' ');
            text = text.substring(space + 1).strip();
        }
        return text;
    }
}
