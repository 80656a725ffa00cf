package dev.cutover.config;

import java.util.Locale;
import java.util.Map;

/** How log lines are written: for people ({@code plain}) or for log shippers ({@code json}). */
public enum LogFormat {
    PLAIN,
    JSON;

    /** The levels {@code LOG_LEVEL} may name. */
    enum Level { TRACE, DEBUG, INFO, WARN, ERROR }

    /**
     * Hands {@code LOG_FORMAT} and {@code LOG_LEVEL} to logback in the spelling its configuration
     * expects, whatever case the operator wrote. Logback reads system properties before the
     * environment, so this must run before the first logger is made. Values that are not valid
     * are left alone here; {@link Settings#fromEnvironment} refuses them with a clear message.
     */
    public static void configureLogging(Map<String, String> environment) {
        normalize(environment, "LOG_FORMAT", LogFormat.class).ifPresent(format ->
                System.setProperty("LOG_FORMAT", format.name().toLowerCase(Locale.ROOT)));
        // An invalid level would make logback log everything; INFO stands in until Settings refuses it.
        System.setProperty("LOG_LEVEL", normalize(environment, "LOG_LEVEL", Level.class).orElse(Level.INFO).name());
    }

    private static <T extends Enum<T>> java.util.Optional<T> normalize(Map<String, String> environment, String name,
            Class<T> type) {
        EnvironmentReader reader = new EnvironmentReader(environment);
        if (reader.text(name).isEmpty()) {
            return java.util.Optional.empty();
        }
        try {
            return java.util.Optional.of(reader.choice(name, type, null));
        } catch (dev.cutover.CutoverException invalid) {
            return java.util.Optional.empty();
        }
    }
}
