package dev.cutover.cli;

import dev.cutover.Cutover;
import dev.cutover.config.Settings;
import dev.cutover.postgres.PostgresUri;
import dev.cutover.service.CutoverService;
import dev.cutover.stores.ResolvedStore;
import dev.cutover.stores.StoreResolver;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code cutover demo}: the service on stores it starts itself, for a first look. */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = {"Runs the service on stores it starts itself, for a first look.",
                "Uses POSTGRES_URI and MONGO_URI if set, else Testcontainers when Docker runs,",
                "else an embedded PostgreSQL and an in-process MongoDB. Ctrl-C stops them all."})
public final class DemoCommand implements Callable<Integer> {

    /** The database the demo keeps its data in, on whichever PostgreSQL it uses. */
    static final String DATABASE = "cutover_demo";

    @ParentCommand
    private Cutover cutover;

    @Spec
    private CommandSpec spec;

    @Option(names = "--port", description = "HTTP port (default: PORT, else ${DEFAULT-VALUE}).",
            defaultValue = "8080")
    private int port;

    /** A token for this demo run only: 32 random bytes as hex. */
    static String randomToken() {
        byte[] bytes = new byte[32];
        new java.security.SecureRandom().nextBytes(bytes);
        return java.util.HexFormat.of().formatHex(bytes);
    }

    @Override
    public Integer call() {
        Settings settings = cutover.settings();
        StoreResolver resolver = new StoreResolver(settings);
        Shutdown shutdown = new Shutdown();
        ResolvedStore<PostgresUri> postgres = shutdown.register(resolver.postgres());
        ResolvedStore<String> mongo = shutdown.register(resolver.mongo());

        PostgresUri database = postgres.origin() == ResolvedStore.Origin.ENVIRONMENT
                ? postgres.connection() : postgres.connection().withDatabase(DATABASE);
        int effectivePort = spec.commandLine().getParseResult().hasMatchedOption("--port")
                ? port : settings.port();
        Settings demo = settings.withStores(database, mongo.connection()).withPort(effectivePort);
        if (demo.apiToken().isEmpty() || demo.adminToken().isEmpty()) {
            demo = demo.withTokens(demo.apiToken().orElseGet(DemoCommand::randomToken),
                    demo.adminToken().orElseGet(DemoCommand::randomToken));
        }
        CutoverService service = shutdown.register(CutoverService.start(demo, "demo"));

        PrintWriter out = spec.commandLine().getOut();
        out.println();
        out.println("cutover demo is running on " + service.url());
        out.println("  health:  " + service.url().resolve("/health"));
        out.println("  metrics: " + service.url().resolve("/prometheus"));
        out.println("  data API:  " + service.url().resolve("/api/v1/") + "<collection>   with  Authorization: Bearer "
                + demo.apiToken().orElseThrow());
        out.println("  admin API: " + service.url().resolve("/admin/") + "   with  Authorization: Bearer "
                + demo.adminToken().orElseThrow());
        out.println("Press Ctrl-C to stop; the stores it started stop with it.");
        out.flush();
        Shutdown.blockUntilExit();
        return 0;
    }
}
