package dev.cutover.observability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class PromQlTest {

    @Test
    void shouldFindTheMetricNamesWhateverSurroundsThem() {
        String expression = "sum by (collection, reason) (rate(cutover_secondary_failures_total{collection=\"a{b}\","
                + " reason=~\"x|y\"}[5m])) / on (collection) group_left sum without (store) "
                + "(rate(cutover_secondary_writes_total[$__rate_interval])) or max(up)";

        Set<String> names = PromQl.metricNames(expression);

        assertEquals(List.of("cutover_secondary_failures_total", "cutover_secondary_writes_total", "up"),
                List.copyOf(names));
    }

    @Test
    void shouldNotTakeFunctionsKeywordsStringsNumbersDurationsOrVariablesForMetrics() {
        String expression = "histogram_quantile(0.99, sum(rate(http_bucket[5m] offset 1h)) by (le)) > bool 1e3 "
                + "unless label_replace(jvm_threads, \"dst\", \"$1 up\", \"instance\", \"(.*):.*\") "
                + "and ignoring(instance) vector(0) * Inf + $collection";

        Set<String> names = PromQl.metricNames(expression);

        assertEquals(Set.of("http_bucket", "jvm_threads"), names);
    }

    @Test
    void shouldPutInGrafanasVariablesAndRefuseUnknownOnes() {
        String expression = "rate(x{collection=\"$collection\"}[$__rate_interval]) + rate(y[${__range}])";

        String replaced = PromQl.withVariables(expression, Map.of("collection", "prompts", "__rate_interval", "5m",
                "__range", "1h"));
        IllegalArgumentException unknown = assertThrows(IllegalArgumentException.class,
                () -> PromQl.withVariables("rate(x[$__interval])", Map.of("collection", "prompts")));

        assertEquals("rate(x{collection=\"prompts\"}[5m]) + rate(y[1h])", replaced);
        assertTrue(unknown.getMessage().startsWith("unknown variable $__interval"), unknown.getMessage());
    }

    @Test
    void shouldTakeTheThresholdOffAnAlertsExpression() {
        assertEquals("sum by (c) (rate(a[5m]))\n  / sum by (c) (rate(b[5m]))",
                PromQl.signal("sum by (c) (rate(a[5m]))\n  / sum by (c) (rate(b[5m]))\n> 0.05\n"));
        assertEquals("up{job=\"a>b\"}", PromQl.signal("up{job=\"a>b\"} == 0"));
        assertEquals("(sum(x) or vector(0)) / sum(y)", PromQl.signal("(sum(x) or vector(0)) / sum(y) >= 1e-2"));
        assertEquals("max(a) - min(a)", PromQl.signal("max(a) - min(a) > 0"));
    }

    @Test
    void shouldRefuseAnAlertThatIsNotOneSignalAgainstOneNumber() {
        for (String expression : List.of("a > b", "a > 0 and b > 0", "a", "a > 0 or vector(1)")) {
            assertThrows(IllegalArgumentException.class, () -> PromQl.signal(expression), expression);
        }
    }
}
