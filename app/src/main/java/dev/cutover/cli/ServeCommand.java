package dev.cutover.cli;

import dev.cutover.Cutover;
import dev.cutover.service.CutoverService;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.ParentCommand;

/** {@code cutover serve}: the proxy, on the stores named by POSTGRES_URI and MONGO_URI. */
@Command(name = "serve", mixinStandardHelpOptions = true,
        description = {"Runs the proxy on the stores named by POSTGRES_URI and MONGO_URI.",
                "Never starts stores of its own; fails at once, naming the cause, if one is missing."})
public final class ServeCommand implements Callable<Integer> {

    @ParentCommand
    private Cutover cutover;

    @Override
    public Integer call() {
        Shutdown shutdown = new Shutdown();
        shutdown.register(CutoverService.start(cutover.settings(), "serve"));
        Shutdown.blockUntilExit();
        return 0;
    }
}
