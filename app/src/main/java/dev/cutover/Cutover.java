package dev.cutover;

import dev.cutover.cli.BackfillCommand;
import dev.cutover.cli.DemoCommand;
import dev.cutover.cli.MigrateCommand;
import dev.cutover.cli.ServeCommand;
import dev.cutover.cli.VerifyCommand;
import dev.cutover.config.Settings;
import dev.cutover.service.Version;
import java.io.PrintWriter;
import java.util.Map;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The command line: {@code cutover <command>}. Every failure reaches one handler here, which
 * prints its one-line message and exits with its documented {@link ExitCode}.
 */
@Command(name = "cutover",
        mixinStandardHelpOptions = true,
        versionProvider = Cutover.VersionProvider.class,
        description = "Moves an application's user data from MongoDB to PostgreSQL without downtime.",
        subcommands = {ServeCommand.class, DemoCommand.class, MigrateCommand.class, BackfillCommand.class,
                VerifyCommand.class, CommandLine.HelpCommand.class},
        footer = {"", "Configuration comes from environment variables; see docs/configuration.md."})
public final class Cutover implements Runnable {

    private final Map<String, String> environment;

    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    public Cutover(Map<String, String> environment) {
        this.environment = environment;
    }

    public static void main(String[] args) {
        dev.cutover.config.LogFormat.configureLogging(System.getenv());
        System.exit(run(System.getenv(), args));
    }

    /** Runs one command line against the given environment and returns its exit code. */
    public static int run(Map<String, String> environment, String... args) {
        return commandLine(environment).execute(args);
    }

    public static CommandLine commandLine(Map<String, String> environment) {
        CommandLine commandLine = new CommandLine(new Cutover(environment));
        commandLine.setExecutionExceptionHandler(Cutover::handle);
        return commandLine;
    }

    /** The settings this command line runs with, read when a command first needs them. */
    public Settings settings() {
        return Settings.fromEnvironment(environment);
    }

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "a command is required");
    }

    private static int handle(Exception error, CommandLine commandLine, CommandLine.ParseResult parseResult) {
        PrintWriter err = commandLine.getErr();
        if (error instanceof CutoverException failure) {
            err.println("cutover: " + failure.getMessage());
            err.flush();
            LoggerFactory.getLogger(Cutover.class).debug("Failure", failure);
            return failure.exitCode().code();
        }
        LoggerFactory.getLogger(Cutover.class).error("Internal error", error);
        err.println("cutover: internal error: " + error + ". This is a bug: please report it with the log above.");
        err.flush();
        return ExitCode.INTERNAL.code();
    }

    static final class VersionProvider implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"cutover " + Version.current()};
        }
    }
}
