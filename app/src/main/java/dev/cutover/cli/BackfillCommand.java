package dev.cutover.cli;

import dev.cutover.Cutover;
import dev.cutover.ExitCode;
import dev.cutover.backfill.Backfill;
import dev.cutover.backfill.BackfillOptions;
import dev.cutover.document.CollectionSpec;
import dev.cutover.flags.MigrationState;
import dev.cutover.stores.CommandStores;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code cutover backfill}: copies what MongoDB already holds into PostgreSQL. */
@Command(name = "backfill", mixinStandardHelpOptions = true,
        description = {"Copies what MongoDB holds into PostgreSQL, batch by batch, resumable.",
                "Safe to repeat and to run while the service dual-writes: a newer row or a later delete always wins.",
                "Documents PostgreSQL cannot hold are listed with the reason in the rejects file.",
                "Exit codes: 0 done, 2 bad options or an unfinished earlier run, 3 configuration,",
                "4 PostgreSQL, 5 schema, 6 MongoDB, 7 done but some documents were rejected."},
        footer = {"", "See docs/backfill.md."})
public final class BackfillCommand implements Callable<Integer> {

    

    @ParentCommand
    private Cutover cutover;

    @Spec
    private CommandSpec spec;

    @Mixin
    private CollectionSelection selection;

    @Option(names = "--dry-run", description = "Read everything and report what would change; write nothing.")
    private boolean dryRun;

    @Option(names = "--batch-size", paramLabel = "N", defaultValue = "" + BackfillOptions.DEFAULT_BATCH_SIZE,
            description = "Documents per PostgreSQL transaction (default: ${DEFAULT-VALUE}).")
    private int batchSize;

    @Option(names = "--parallel", paramLabel = "N", defaultValue = "" + BackfillOptions.DEFAULT_PARALLEL,
            description = "Collections copied at once (default: ${DEFAULT-VALUE}).")
    private int parallel;

    @Option(names = "--resume", description = "Continue an unfinished earlier run from its last committed batch.")
    private boolean resume;

    @Option(names = "--restart", description = "Forget an unfinished earlier run and start over.")
    private boolean restart;

    @Option(names = "--rejects", paramLabel = "FILE", defaultValue = BackfillOptions.DEFAULT_REJECTS,
            description = "Where the documents that could not be stored are listed (default: ${DEFAULT-VALUE}).")
    private Path rejects;

    @Option(names = "--progress", paramLabel = "STYLE", defaultValue = "auto",
            description = "auto (bars on a terminal, lines otherwise), bars, lines or none (default: ${DEFAULT-VALUE}).")
    private String progress;

    @Override
    public Integer call() {
        selection.validate();
        BackfillOptions options = options();
        try (CommandStores stores = CommandStores.open(cutover.settings(), "backfill", parallel + 1)) {
            MigrationState state = stores.migrationState();
            List<CollectionSpec> collections = selection.resolve(state);
            PrintWriter out = spec.commandLine().getOut();
            Backfill.Result result = new Backfill(stores.mongoDatabase(), stores.postgresPool(), options,
                    Clock.systemUTC(), out).run(collections, state);
            Backfill.printSummary(out, result, dryRun);
            return result.total().rejected() > 0 ? ExitCode.REJECTED.code() : ExitCode.OK.code();
        }
    }

    private BackfillOptions options() {
        if (resume && restart) {
            throw new ParameterException(spec.commandLine(), "--resume and --restart exclude each other: give one");
        }
        BackfillOptions.Start start = resume ? BackfillOptions.Start.RESUME
                : restart ? BackfillOptions.Start.RESTART : BackfillOptions.Start.NEW;
        BackfillOptions.ProgressStyle style = switch (progress.toLowerCase(java.util.Locale.ROOT)) {
            case "auto" -> System.console() != null ? BackfillOptions.ProgressStyle.BARS
                    : BackfillOptions.ProgressStyle.LINES;
            case "bars" -> BackfillOptions.ProgressStyle.BARS;
            case "lines" -> BackfillOptions.ProgressStyle.LINES;
            case "none" -> BackfillOptions.ProgressStyle.NONE;
            default -> throw new ParameterException(spec.commandLine(), "--progress must be auto, bars, lines or none, "
                    + "but was '" + progress + "'");
        };
        Duration interval = style == BackfillOptions.ProgressStyle.BARS ? Duration.ofMillis(250) : Duration.ofSeconds(5);
        try {
            return new BackfillOptions(dryRun, batchSize, parallel, start, rejects, style, interval);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
    }
}
