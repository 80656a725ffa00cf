package dev.cutover.cli;

import dev.cutover.Cutover;
import dev.cutover.config.Settings;
import dev.cutover.postgres.PostgresBootstrap;
import dev.cutover.postgres.PostgresUri;
import dev.cutover.postgres.SchemaMigrator;
import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import org.flywaydb.core.api.MigrationInfo;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code cutover migrate}: the schema as an explicit deploy step. */
@Command(name = "migrate", mixinStandardHelpOptions = true,
        description = {"Applies the schema to POSTGRES_URI as an explicit deploy step.",
                "For CI/CD or a Kubernetes Job ahead of an app running with AUTO_MIGRATE=false.",
                "Creates the database first if AUTO_CREATE_DB allows it (the default)."})
public final class MigrateCommand implements Callable<Integer> {

    @ParentCommand
    private Cutover cutover;

    @Spec
    private CommandSpec spec;

    @Option(names = "--info", description = "Only show each migration, applied or pending; change nothing.")
    private boolean info;

    @Override
    public Integer call() {
        Settings settings = cutover.settings();
        PostgresUri postgres = settings.requirePostgres("migrate");
        PrintWriter out = spec.commandLine().getOut();
        PostgresBootstrap bootstrap = new PostgresBootstrap(settings.pools().postgresConnectTimeout());
        SchemaMigrator migrator = new SchemaMigrator(postgres);
        if (info) {
            bootstrap.ensureDatabase(postgres, false);
            printInfo(out, postgres, migrator.all());
            return 0;
        }
        bootstrap.ensureDatabase(postgres, settings.autoCreateDb());
        int applied = migrator.migrate();
        out.println("Applied " + applied + " migration(s) to " + postgres.redacted()
                + "; schema version is now " + migrator.currentVersion() + ".");
        out.flush();
        return 0;
    }

    private static void printInfo(PrintWriter out, PostgresUri postgres, List<MigrationInfo> migrations) {
        out.println("Schema of " + postgres.redacted());
        out.printf("%-8s  %-40s  %-10s  %s%n", "VERSION", "DESCRIPTION", "STATE", "INSTALLED ON");
        long pending = 0;
        for (MigrationInfo migration : migrations) {
            String state = migration.getState() == org.flywaydb.core.api.MigrationState.SUCCESS ? "applied"
                    : migration.getState().getDisplayName().toLowerCase(java.util.Locale.ROOT);
            if (!migration.getState().isApplied()) {
                pending++;
            }
            out.printf("%-8s  %-40s  %-10s  %s%n", migration.getVersion(), migration.getDescription(), state,
                    migration.getInstalledOn() == null ? "" : migration.getInstalledOn().toInstant());
        }
        out.println(pending + " pending.");
        out.flush();
    }
}
