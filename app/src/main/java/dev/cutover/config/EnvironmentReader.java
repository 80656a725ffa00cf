package dev.cutover.config;

import dev.cutover.CutoverException;
import dev.cutover.ExitCode;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * Reads typed values from environment variables. Every error names the variable, what was
 * expected and what came, and never repeats a value that may be a secret.
 */
final class EnvironmentReader {

    private final Map<String, String> environment;

    EnvironmentReader(Map<String, String> environment) {
        this.environment = environment;
    }

    Optional<String> text(String name) {
        String value = environment.get(name);
        return value == null || value.isBlank() ? Optional.empty() : Optional.of(value.trim());
    }

    String text(String name, String defaultValue) {
        return text(name).orElse(defaultValue);
    }

    boolean bool(String name, boolean defaultValue) {
        return text(name).map(value -> switch (value.toLowerCase(Locale.ROOT)) {
            case "true", "1", "yes", "on" -> true;
            case "false", "0", "no", "off" -> false;
            default -> throw invalid(name, "must be true or false", value);
        }).orElse(defaultValue);
    }

    int integer(String name, int defaultValue, int min, int max) {
        return text(name).map(value -> {
            int number;
            try {
                number = Integer.parseInt(value);
            } catch (NumberFormatException e) {
                throw invalid(name, "must be a whole number", value);
            }
            if (number < min || number > max) {
                throw invalid(name, "must be between " + min + " and " + max, value);
            }
            return number;
        }).orElse(defaultValue);
    }

    /**
     * A duration written as a number and a unit ({@code 500ms}, {@code 30s}, {@code 5m}) or in
     * ISO-8601 ({@code PT10M}); never negative.
     */
    Duration duration(String name, Duration defaultValue) {
        return text(name).map(value -> parseDuration(name, value)).orElse(defaultValue);
    }

    /** How often something runs: a duration of at least {@code minimum}, or 0 for never. */
    Duration interval(String name, Duration defaultValue, Duration minimum) {
        return text(name).map(value -> {
            Duration interval = parseDuration(name, value);
            if (!interval.isZero() && interval.compareTo(minimum) < 0) {
                throw invalid(name, "must be 0 (off) or at least " + minimum.toSeconds() + "s", value);
            }
            return interval;
        }).orElse(defaultValue);
    }

    <T extends Enum<T>> T choice(String name, Class<T> type, T defaultValue) {
        return text(name).map(value -> {
            try {
                return Enum.valueOf(type, value.toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw invalid(name, "must be one of " + java.util.Arrays.toString(type.getEnumConstants())
                        .toLowerCase(Locale.ROOT), value);
            }
        }).orElse(defaultValue);
    }

    /** A secret or structured value parsed by {@code parser}, whose message names the problem. */
    <T> Optional<T> parsed(String name, Function<String, T> parser) {
        return text(name).map(value -> {
            try {
                return parser.apply(value);
            } catch (IllegalArgumentException e) {
                throw new CutoverException(ExitCode.CONFIGURATION, name + " " + e.getMessage());
            }
        });
    }

    private static Duration parseDuration(String name, String value) {
        if (value.equals("0")) {
            return Duration.ZERO;
        }
        String expectation = "must be 0, a whole number followed by ms, s, m or h (for example 30s), "
                + "or an ISO-8601 duration (for example PT30S)";
        if (value.toUpperCase(Locale.ROOT).startsWith("P")) {
            try {
                Duration iso = Duration.parse(value);
                if (iso.isNegative()) {
                    throw invalid(name, expectation, value);
                }
                return iso;
            } catch (java.time.format.DateTimeParseException e) {
                throw invalid(name, expectation, value);
            }
        }
        java.util.regex.Matcher matcher =
                java.util.regex.Pattern.compile("(\\d+)\\s*(ms|s|m|h)").matcher(value.toLowerCase(Locale.ROOT));
        if (!matcher.matches()) {
            throw invalid(name, expectation, value);
        }
        long amount = Long.parseLong(matcher.group(1));
        return switch (matcher.group(2)) {
            case "ms" -> Duration.ofMillis(amount);
            case "s" -> Duration.ofSeconds(amount);
            case "m" -> Duration.ofMinutes(amount);
            default -> Duration.ofHours(amount);
        };
    }

    private static CutoverException invalid(String name, String expectation, String value) {
        return new CutoverException(ExitCode.CONFIGURATION,
                name + " " + expectation + ", but was '" + value + "'");
    }
}
