package dev.cutover.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cutover.document.JsonValues;
import dev.cutover.verify.CollectionReport;
import dev.cutover.verify.Difference;
import dev.cutover.verify.Drift;
import dev.cutover.verify.Finding;
import dev.cutover.verify.Verification;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;

/** What {@code cutover verify} prints: a table and the differences for people, or one JSON document. */
final class VerifyOutput {

    /** Values longer than this are cut short in the human output (never in JSON). */
    private static final int VALUE_WIDTH = 80;
    private static final String ROW = "%-20s %-16s %10s %10s %20s %17s %10s %10s %8s%n";

    private VerifyOutput() {
    }

    /** The summary table of one pass over the collections. */
    static void table(PrintWriter out, List<Verification.CollectionResult> results,
            Function<Verification.CollectionResult, CollectionReport> pass) {
        out.printf(ROW, "COLLECTION", "STAGE", "MONGO", "POSTGRES", "MISSING IN POSTGRES", "MISSING IN MONGO",
                "DIFFERING", "IN FLIGHT", "SECONDS");
        for (Verification.CollectionResult result : results) {
            CollectionReport report = pass.apply(result);
            out.printf(ROW, report.collection(), result.stage(), report.mongo(), report.postgres(),
                    report.count(Drift.MISSING_IN_POSTGRES), report.count(Drift.MISSING_IN_MONGO),
                    report.count(Drift.DIFFERS), report.inFlight(), secondsText(report.elapsed()));
        }
    }

    /** The first drifting ids of each collection that drifted, with what differs. */
    static void findings(PrintWriter out, List<CollectionReport> reports, int show) {
        for (CollectionReport report : reports) {
            if (report.agrees() || show == 0) {
                continue;
            }
            out.println();
            boolean cut = java.util.Arrays.stream(Drift.values())
                    .anyMatch(kind -> report.count(kind) > report.samples().get(kind).size());
            out.println(report.collection() + ": " + report.drifted() + " id(s) drifting"
                    + (cut ? "; the first " + show + " of each kind:" : ":"));
            for (Drift kind : Drift.values()) {
                for (Finding finding : report.samples().get(kind)) {
                    out.println("  " + finding.id() + "  " + kind.label().replace('_', ' '));
                    for (Difference difference : finding.differences()) {
                        out.println("    " + difference.path() + ": " + shown(difference.mongo()) + " -> "
                                + shown(difference.postgres()));
                    }
                }
            }
        }
    }

    static void repairs(PrintWriter out, List<Verification.CollectionResult> results) {
        out.println();
        out.println("Repair, from each collection's source of truth:");
        for (Verification.CollectionResult result : results) {
            result.repair().ifPresent(repair -> out.println("  " + result.spec().name() + " (source of truth "
                    + repair.from().label() + "): " + repair.skipped().map(why -> "not repaired: " + why)
                            .orElse(repair.repaired() + " repaired, " + repair.unchanged() + " unchanged, "
                                    + repair.failed() + " failed")));
        }
    }

    /** The whole run as one JSON document. */
    static ObjectNode json(Verification.Result result, int show, boolean repair) {
        ObjectNode body = JsonNodeFactory.instance.objectNode();
        body.put("agree", result.agrees());
        body.put("repair", repair);
        body.put("seconds", seconds(result.elapsed()));
        ArrayNode collections = body.putArray("collections");
        for (Verification.CollectionResult collection : result.collections()) {
            ObjectNode item = collections.addObject();
            item.put("name", collection.spec().name());
            item.put("stage", collection.stage().name());
            item.put("source_of_truth", collection.stage().primary().label());
            item.put("agree", collection.latest().agrees());
            item.set("compared", report(collection.first(), show));
            if (collection.repair().isPresent()) {
                Verification.Repair done = collection.repair().get();
                ObjectNode node = item.putObject("repair");
                node.put("from", done.from().label());
                node.put("repaired", done.repaired());
                node.put("unchanged", done.unchanged());
                node.put("failed", done.failed());
                node.put("skipped", done.skipped().orElse(null));
            }
            if (collection.after().isPresent()) {
                item.set("after_repair", report(collection.after().get(), show));
            }
        }
        return body;
    }

    private static ObjectNode report(CollectionReport report, int show) {
        ObjectNode node = JsonNodeFactory.instance.objectNode();
        node.put("agree", report.agrees());
        node.put("mongo", report.mongo());
        node.put("postgres", report.postgres());
        for (Drift kind : Drift.values()) {
            node.put(kind == Drift.DIFFERS ? "differing" : kind.label(), report.count(kind));
        }
        node.put("in_flight", report.inFlight());
        node.put("seconds", seconds(report.elapsed()));
        ObjectNode samples = node.putObject("first");
        for (Map.Entry<Drift, List<Finding>> kind : report.samples().entrySet()) {
            ArrayNode items = samples.putArray(kind.getKey() == Drift.DIFFERS ? "differing" : kind.getKey().label());
            for (Finding finding : kind.getValue().subList(0, Math.min(show, kind.getValue().size()))) {
                ObjectNode item = items.addObject();
                item.put("id", finding.id());
                ArrayNode differences = item.putArray("differences");
                for (Difference difference : finding.differences()) {
                    ObjectNode entry = differences.addObject();
                    entry.put("path", difference.path());
                    // A side that holds nothing there is left out; null is a value it holds.
                    if (difference.mongo() != Difference.ABSENT) {
                        entry.set("mongo", JsonValues.toJson(difference.mongo()));
                    }
                    if (difference.postgres() != Difference.ABSENT) {
                        entry.set("postgres", JsonValues.toJson(difference.postgres()));
                    }
                }
            }
        }
        return node;
    }

    private static String shown(Object value) {
        if (value == Difference.ABSENT) {
            return value.toString();
        }
        String json = JsonValues.toJson(value).toString();
        return json.length() <= VALUE_WIDTH ? json : json.substring(0, VALUE_WIDTH - 3) + "...";
    }

    static double seconds(Duration elapsed) {
        return Math.round(elapsed.toMillis() / 10.0) / 100.0;
    }

    static String secondsText(Duration elapsed) {
        return String.format(Locale.ROOT, "%.2f", elapsed.toMillis() / 1000.0);
    }
}
