package io.agentmatch.contract.storage;

import io.agentmatch.contract.config.PipelineConfig;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.SdkRequest;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.interceptor.SdkExecutionAttribute;

/**
 * Records which DynamoDB operations a component issues, on which table or index, so that a test can
 * hold each component's IAM policy ({@code docs/iam/<component>.json}) against what it really calls.
 * One line per distinct {@code <component> <Operation> <table>[/index/<index>]}, appended to
 * {@code <dir>/<component>-<pid>.ops} the first time the process issues it (before the call, so a
 * denied call is recorded too). Tables are written under their default names
 * ({@code agent-profiles}, {@code agent-conversations}) when they are the configuration's profile or
 * conversation table, so that isolated test namespaces compare with the policies; any other table
 * keeps its own name (and fails the check, as it should).
 */
final class OperationLog implements ExecutionInterceptor {
    private static final Logger LOG = LoggerFactory.getLogger(OperationLog.class);
    /** Lines already written by this process, per file: each is written once. */
    private static final Set<String> WRITTEN = ConcurrentHashMap.newKeySet();

    private final String component;
    private final Path file;
    private final Map<String, String> defaultNames;
    private volatile boolean failed;

    OperationLog(Path dir, String component, PipelineConfig config) {
        this.component = component;
        this.file = dir.resolve(component + "-" + ProcessHandle.current().pid() + ".ops");
        Map<String, String> names = new java.util.HashMap<>();
        names.put(config.profileTable(), PipelineConfig.PROFILE_TABLE_NAME.defaultText());
        names.putIfAbsent(config.conversationTable(), PipelineConfig.CONVERSATION_TABLE_NAME.defaultText());
        this.defaultNames = Map.copyOf(names);
    }

    @Override
    public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
        String operation = attributes.getAttribute(SdkExecutionAttribute.OPERATION_NAME);
        for (String resource : resources(context.request())) {
            write(component + " " + operation + " " + resource);
        }
    }

    /** The tables (and index) a request names; {@code *} for account-level calls such as ListTables. */
    List<String> resources(SdkRequest request) {
        List<String> resources = new ArrayList<>();
        request.getValueForField("TableName", String.class).ifPresent(table -> resources.add(name(table)
                + request.getValueForField("IndexName", String.class).map(index -> "/index/" + index).orElse("")));
        request.getValueForField("RequestItems", Map.class)
                .ifPresent(items -> items.keySet().forEach(table -> resources.add(name(table.toString()))));
        if (resources.isEmpty()) {
            resources.add("*");
        }
        return resources;
    }

    private String name(String table) {
        return defaultNames.getOrDefault(table, table);
    }

    private void write(String line) {
        if (failed || !WRITTEN.add(file + "\u0000" + line)) {
            return;
        }
        synchronized (WRITTEN) {
            try {
                Files.createDirectories(file.getParent());
                Files.writeString(file, line + "\n", StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
            } catch (IOException e) {
                // A diagnostic must never break the component: say so once and stop recording.
                failed = true;
                LOG.warn("cannot record DynamoDB operations in {} ({}); recording stops", file, e.getMessage());
            }
        }
    }
}
