package dev.cutover.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cutover.Cutover;
import dev.cutover.CutoverException;
import dev.cutover.ExitCode;
import dev.cutover.config.Settings;
import dev.cutover.document.postgres.PostgresStoreException;
import dev.cutover.document.CollectionSpec;
import dev.cutover.flags.MigrationState;
import dev.cutover.stores.CommandStores;
import dev.cutover.verify.CollectionReport;
import dev.cutover.verify.DriftReports;
import dev.cutover.verify.Sleeper;
import dev.cutover.verify.StoreComparison;
import dev.cutover.verify.Verification;
import java.io.PrintWriter;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code cutover verify}: proves the two stores hold the same documents, or shows where they differ. */
@Command(name = "verify", mixinStandardHelpOptions = true,
        description = {"Compares every document of the chosen collections between MongoDB and PostgreSQL, by id. "
                + "Ids that differ are read again after a few seconds (a write may be in flight) and reported only "
                + "if they still differ.",
                "Exits 0 when the stores agree, 8 when they differ. See docs/verify.md."})
public final class VerifyCommand implements Callable<Integer> {

    /** Documents read from a store at a time. */
    static final int BATCH_SIZE = 2000;
    /** The longest re-check delay accepted, in seconds. */
    private static final int MAX_RECHECK_DELAY = 600;
    private static final int RECHECK_THREADS = 4;
    private static final int POOL_SIZE = 2 + RECHECK_THREADS + 2;
    private static final ObjectMapper JSON = new ObjectMapper();

    @ParentCommand
    private Cutover cutover;

    @Spec
    private CommandSpec spec;

    @Mixin
    private CollectionSelection selection;

    @Option(names = "--show", paramLabel = "N", defaultValue = "10",
            description = "Show the first N drifting ids of each kind per collection, with what differs (default: ${DEFAULT-VALUE}).")
    private int show;

    @Option(names = "--json", description = "Print one JSON document for machines instead of the table.")
    private boolean json;

    @Option(names = "--repair",
            description = "Copy every drifting id from the collection's source of truth to the other store (deleting "
                    + "it there when the source of truth no longer holds it), then verify those collections again.")
    private boolean repair;

    // Above the 2 s in which a secondary write lands or is queued for repair.
    @Option(names = "--recheck-delay", paramLabel = "SECONDS", defaultValue = "3",
            description = "Wait this long before reading a drifting id again, so that a write in flight lands first "
                    + "(default: ${DEFAULT-VALUE}; 0 to " + MAX_RECHECK_DELAY + ", fractions allowed).")
    private double recheckDelay;

    private final Clock clock = Clock.systemUTC();

    @Override
    public Integer call() {
        selection.validate();
        if (show < 0) {
            throw new ParameterException(spec.commandLine(), "--show must be 0 or more, but was " + show);
        }
        if (!(recheckDelay >= 0 && recheckDelay <= MAX_RECHECK_DELAY)) {
            throw new ParameterException(spec.commandLine(), "--recheck-delay must be between 0 and "
                    + MAX_RECHECK_DELAY + " seconds, but was " + recheckDelay);
        }
        Settings settings = cutover.settings();
        PrintWriter out = spec.commandLine().getOut();
        try (CommandStores stores = CommandStores.open(settings, "verify", POOL_SIZE)) {
            MigrationState state = stores.migrationState();
            List<CollectionSpec> collections = selection.resolve(state);
            Verification verification = new Verification(stores::mongo, stores::postgres,
                    new StoreComparison.Options(BATCH_SIZE, Duration.ofMillis(Math.round(recheckDelay * 1000)), show,
                            RECHECK_THREADS), clock, Sleeper.of(clock));
            Verification.Result result = verification.run(collections, state, repair);
            if (json) {
                printJson(out, result);
            } else {
                print(out, result);
            }
            out.flush();
            record(new DriftReports(stores.postgresPool()), result);
            return result.agrees() ? ExitCode.OK.code() : ExitCode.DRIFT.code();
        }
    }

    /** Stores each collection's latest comparison, for every replica's status page. */
    private void record(DriftReports reports, Verification.Result result) {
        try {
            for (Verification.CollectionResult collection : result.collections()) {
                reports.record(DriftReports.Source.VERIFY, collection.latest(), clock.instant());
            }
        } catch (PostgresStoreException e) {
            throw new CutoverException(ExitCode.POSTGRES, "the comparison finished, but its result could not be "
                    + "stored: " + e.getMessage() + ". Fix: check that PostgreSQL is up and that the role may write "
                    + "the drift_reports table, then run verify again.", e);
        }
    }

    private void print(PrintWriter out, Verification.Result result) {
        List<Verification.CollectionResult> collections = result.collections();
        out.println("Compared " + collections.size() + " collection(s) in " + VerifyOutput.secondsText(result.elapsed())
                + " s" + (repair ? ", repairing what drifted:" : ":"));
        out.println();
        VerifyOutput.table(out, collections, Verification.CollectionResult::first);
        VerifyOutput.findings(out, collections.stream().map(Verification.CollectionResult::first).toList(), show);
        List<Verification.CollectionResult> repaired =
                collections.stream().filter(collection -> collection.repair().isPresent()).toList();
        if (!repaired.isEmpty()) {
            VerifyOutput.repairs(out, repaired);
            List<Verification.CollectionResult> again =
                    repaired.stream().filter(collection -> collection.after().isPresent()).toList();
            if (!again.isEmpty()) {
                out.println();
                out.println("After the repair:");
                out.println();
                VerifyOutput.table(out, again, collection -> collection.after().orElseThrow());
                VerifyOutput.findings(out, again.stream().map(collection -> collection.after().orElseThrow()).toList(),
                        show);
            }
        }
        out.println();
        List<String> drifting = collections.stream().map(Verification.CollectionResult::latest)
                .filter(report -> !report.agrees()).map(CollectionReport::collection).toList();
        if (drifting.isEmpty()) {
            out.println("The stores agree.");
        } else {
            out.println("The stores differ in " + String.join(", ", drifting) + "." + (repair ? "" : " Fix: run "
                    + "'cutover verify --repair --tables " + String.join(",", drifting) + "' to copy the drifting ids "
                    + "from each collection's source of truth."));
        }
    }

    private void printJson(PrintWriter out, Verification.Result result) {
        try {
            out.println(JSON.writerWithDefaultPrettyPrinter().writeValueAsString(VerifyOutput.json(result, show, repair)));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("verify's report did not serialize", e);
        }
    }
}
