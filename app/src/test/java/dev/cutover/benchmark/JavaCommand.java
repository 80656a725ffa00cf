package dev.cutover.benchmark;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** A command line starting a main class of this build in a JVM of its own: the same java, the same class path. */
final class JavaCommand {

    private JavaCommand() {
    }

    static List<String> of(List<String> jvmOptions, String mainClass, List<String> arguments) {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmOptions);
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(mainClass);
        command.addAll(arguments);
        return command;
    }
}
