package dev.cutover.cli;

import dev.cutover.collections.Collections;
import dev.cutover.document.CollectionSpec;
import dev.cutover.flags.MigrationState;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * Which collections a command works on: {@code --tables a,b}, {@code --all}, or by default every
 * collection whose phase is at or below the active phase.
 */
public final class CollectionSelection {

    @Spec(Spec.Target.MIXEE)
    private CommandSpec command;

    @Option(names = "--tables", split = ",", paramLabel = "NAME",
            description = "Only these collections, comma-separated. Default: every collection of the active phase and below.")
    private List<String> tables = new ArrayList<>();

    @Option(names = "--all", description = "Every collection, whatever its phase.")
    private boolean all;

    /**
     * Checks the names given, before any store is opened.
     *
     * @throws ParameterException naming the unknown collections and listing the valid ones
     */
    public void validate() {
        if (all && !tables.isEmpty()) {
            throw new ParameterException(command.commandLine(), "--tables and --all exclude each other: give one");
        }
        List<String> unknown = tables.stream().filter(name -> Collections.named(name).isEmpty()).toList();
        if (!unknown.isEmpty()) {
            throw new ParameterException(command.commandLine(), "unknown collection" + (unknown.size() > 1 ? "s " : " ")
                    + String.join(", ", unknown) + " in --tables; valid names: "
                    + String.join(", ", Collections.ALL.stream().map(CollectionSpec::name).toList()));
        }
    }

    /** The chosen collections, in declaration order, without repeats; {@code state} gives the active phase. */
    public List<CollectionSpec> resolve(MigrationState state) {
        validate();
        if (!tables.isEmpty()) {
            Set<String> named = new LinkedHashSet<>(tables);
            return Collections.ALL.stream().filter(spec -> named.contains(spec.name())).toList();
        }
        return Collections.ALL.stream()
                .filter(spec -> all || spec.phase().isActiveUnder(state.activePhase()))
                .toList();
    }

    /** The names given with {@code --tables}, if any. */
    public Optional<List<String>> named() {
        return tables.isEmpty() ? Optional.empty() : Optional.of(List.copyOf(tables));
    }
}
