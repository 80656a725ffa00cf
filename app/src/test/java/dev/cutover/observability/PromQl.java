package dev.cutover.observability;

import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Just enough of PromQL for the dashboards' and alerts' tests: the metric names an expression
 * selects, Grafana's variables put in, and an alert's signal without its threshold. Not a
 * parser: it reads the expressions this repository writes, and fails loudly on what it cannot.
 */
final class PromQl {

    /** Operators that aggregate; their name is followed by a label list or a parenthesis, never a metric. */
    private static final Set<String> AGGREGATIONS = Set.of("sum", "min", "max", "avg", "group", "stddev", "stdvar",
            "count", "count_values", "bottomk", "topk", "quantile", "limitk", "limit_ratio");
    /** Keywords followed by a list of label names. */
    private static final Set<String> LABEL_LISTS = Set.of("by", "without", "on", "ignoring", "group_left",
            "group_right");
    private static final Set<String> KEYWORDS = Set.of("and", "or", "unless", "bool", "offset", "atan2", "inf",
            "nan");
    private static final Pattern VARIABLE = Pattern.compile("\\$\\{?(\\w+)}?");
    private static final Pattern NUMBER = Pattern.compile("[-+]?(\\d+(\\.\\d*)?|\\.\\d+)([eE][-+]?\\d+)?");

    private PromQl() {
    }

    /** The metric names {@code expression} selects, in order of first appearance. */
    static Set<String> metricNames(String expression) {
        Set<String> names = new LinkedHashSet<>();
        String text = expression;
        int i = 0;
        while (i < text.length()) {
            char c = text.charAt(i);
            if (Character.isWhitespace(c)) {
                i++;
            } else if (c == '"' || c == '\'' || c == '`') {
                i = skipString(text, i);
            } else if (c == '{') {
                i = skipBlock(text, i, '{', '}');
            } else if (c == '[') {
                i = skipBlock(text, i, '[', ']');
            } else if (c == '$') {
                i = skipVariable(text, i);
            } else if (Character.isDigit(c) || c == '.' && i + 1 < text.length() && Character.isDigit(text.charAt(i + 1))) {
                // A number or a duration (5m, 1e3, 0x1f): letters after the digits belong to it.
                while (i < text.length() && (Character.isLetterOrDigit(text.charAt(i)) || text.charAt(i) == '.')) {
                    i++;
                }
            } else if (Character.isLetter(c) || c == '_' || c == ':') {
                int start = i;
                while (i < text.length() && (Character.isLetterOrDigit(text.charAt(i)) || text.charAt(i) == '_'
                        || text.charAt(i) == ':')) {
                    i++;
                }
                String word = text.substring(start, i);
                int next = skipSpaces(text, i);
                boolean call = next < text.length() && text.charAt(next) == '(';
                if (LABEL_LISTS.contains(word)) {
                    i = call ? skipBlock(text, next, '(', ')') : i;
                } else if (!call && !AGGREGATIONS.contains(word) && !KEYWORDS.contains(word.toLowerCase(Locale.ROOT))) {
                    names.add(word);
                }
            } else {
                i++;
            }
        }
        return names;
    }

    /**
     * {@code expression} with Grafana's variables ({@code $name} or {@code ${name}}) replaced by
     * {@code values}.
     *
     * @throws IllegalArgumentException naming a variable {@code values} does not hold
     */
    static String withVariables(String expression, Map<String, String> values) {
        Matcher matcher = VARIABLE.matcher(expression);
        StringBuilder out = new StringBuilder();
        while (matcher.find()) {
            String value = values.get(matcher.group(1));
            if (value == null) {
                throw new IllegalArgumentException("unknown variable $" + matcher.group(1) + " in: " + expression
                        + "; the tests know " + values.keySet());
            }
            matcher.appendReplacement(out, Matcher.quoteReplacement(value));
        }
        matcher.appendTail(out);
        return out.toString();
    }

    /**
     * An alert's signal: its expression without the final comparison with a number, which
     * every alert of this repository ends in ({@code signal > 0.05}).
     *
     * @throws IllegalArgumentException when the expression is not {@code signal <op> number}
     *         with no {@code and}, {@code or} or {@code unless} outside parentheses
     */
    static String signal(String expression) {
        int depth = 0;
        int comparison = -1;
        int length = 0;
        for (int i = 0; i < expression.length(); i++) {
            char c = expression.charAt(i);
            if (c == '"' || c == '\'' || c == '`') {
                i = skipString(expression, i) - 1;
            } else if (c == '(' || c == '{' || c == '[') {
                depth++;
            } else if (c == ')' || c == '}' || c == ']') {
                depth--;
            } else if (depth == 0) {
                if (startsWord(expression, i, "and") || startsWord(expression, i, "or")
                        || startsWord(expression, i, "unless")) {
                    throw new IllegalArgumentException("an alert must compare one signal with one threshold, "
                            + "with and/or/unless only inside parentheses: " + expression);
                }
                int operator = comparisonAt(expression, i);
                if (operator > 0) {
                    comparison = i;
                    length = operator;
                    i += operator - 1;
                }
            }
        }
        if (comparison < 0 || !NUMBER.matcher(expression.substring(comparison + length).strip()).matches()) {
            throw new IllegalArgumentException("an alert must end in a comparison with a number, as in "
                    + "'signal > 0.05': " + expression);
        }
        return expression.substring(0, comparison).strip();
    }

    private static int comparisonAt(String text, int i) {
        for (String operator : new String[] {"==", "!=", ">=", "<=", ">", "<"}) {
            if (text.startsWith(operator, i)) {
                return operator.length();
            }
        }
        return 0;
    }

    private static boolean startsWord(String text, int i, String word) {
        return text.startsWith(word, i)
                && (i == 0 || !isWordChar(text.charAt(i - 1)))
                && (i + word.length() == text.length() || !isWordChar(text.charAt(i + word.length())));
    }

    private static boolean isWordChar(char c) {
        return Character.isLetterOrDigit(c) || c == '_' || c == ':';
    }

    private static int skipSpaces(String text, int i) {
        while (i < text.length() && Character.isWhitespace(text.charAt(i))) {
            i++;
        }
        return i;
    }

    private static int skipString(String text, int start) {
        char quote = text.charAt(start);
        int i = start + 1;
        while (i < text.length() && text.charAt(i) != quote) {
            i += text.charAt(i) == '\\' && quote != '`' ? 2 : 1;
        }
        if (i >= text.length()) {
            throw new IllegalArgumentException("unterminated string at " + start + " in: " + text);
        }
        return i + 1;
    }

    /** Skips a bracketed block that may hold strings and nested blocks of the same kind. */
    private static int skipBlock(String text, int start, char open, char close) {
        int depth = 0;
        int i = start;
        while (i < text.length()) {
            char c = text.charAt(i);
            if (c == '"' || c == '\'' || c == '`') {
                i = skipString(text, i);
                continue;
            }
            if (c == open) {
                depth++;
            } else if (c == close && --depth == 0) {
                return i + 1;
            }
            i++;
        }
        throw new IllegalArgumentException("unbalanced '" + open + "' at " + start + " in: " + text);
    }

    private static int skipVariable(String text, int start) {
        Matcher matcher = VARIABLE.matcher(text);
        return matcher.find(start) && matcher.start() == start ? matcher.end() : start + 1;
    }
}
