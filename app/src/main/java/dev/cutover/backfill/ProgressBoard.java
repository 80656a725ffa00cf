package dev.cutover.backfill;

import java.io.PrintWriter;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The progress of every collection of a run, shown as {@link BackfillOptions.ProgressStyle} says:
 * a bar per collection (rows done / total, rate, time left) redrawn in place on a terminal, or a
 * plain line per collection at work now and then, for logs.
 */
final class ProgressBoard {

    private static final int BAR_WIDTH = 24;
    private static final String UP = "\u001b[%dA";
    private static final String CLEAR_LINE = "\r\u001b[2K";

    /** One collection's progress; its counters are updated by the copying thread, and its meters with them. */
    static final class Tracker {
        private final String collection;
        private final BackfillMeters meters;
        private final AtomicLong total = new AtomicLong();
        private final AtomicLong done = new AtomicLong();
        private final AtomicLong doneAtStart = new AtomicLong();
        private final AtomicLong startedNanos = new AtomicLong();
        private final AtomicReference<String> state = new AtomicReference<>("waiting");

        Tracker(String collection, BackfillMeters meters) {
            this.collection = collection;
            this.meters = meters;
        }

        void start(long expected, long alreadyDone) {
            total.set(Math.max(expected, alreadyDone));
            done.set(alreadyDone);
            doneAtStart.set(alreadyDone);
            startedNanos.set(System.nanoTime());
            state.set("running");
            meters.started(collection, total.get(), alreadyDone);
        }

        void advance(Counts batch) {
            long now = done.addAndGet(batch.seen());
            meters.advanced(collection, batch, now, total.accumulateAndGet(now, Math::max));
        }

        void end(String how) {
            state.set(how);
            meters.ended(collection);
        }

        /** Rows per second since this run started on the collection. */
        double rate() {
            double seconds = (System.nanoTime() - startedNanos.get()) / 1e9;
            return seconds <= 0 ? 0 : (done.get() - doneAtStart.get()) / seconds;
        }
    }

    private final List<Tracker> trackers;
    private final BackfillOptions.ProgressStyle style;
    private final PrintWriter out;
    private final String verb;
    private boolean drawn;

    ProgressBoard(List<Tracker> trackers, BackfillOptions.ProgressStyle style, PrintWriter out, boolean dryRun) {
        this.trackers = List.copyOf(trackers);
        this.style = style;
        this.out = out;
        this.verb = dryRun ? "checked" : "copied";
    }

    /** Shows the progress once more; called at each interval and at the end. */
    synchronized void show() {
        switch (style) {
            case BARS -> drawBars();
            case LINES -> printLines();
            case NONE -> {
            }
        }
        out.flush();
    }

    private void drawBars() {
        if (drawn) {
            out.printf(UP, trackers.size());
        }
        int width = trackers.stream().mapToInt(tracker -> tracker.collection.length()).max().orElse(10);
        for (Tracker tracker : trackers) {
            out.print(CLEAR_LINE);
            out.println(bar(tracker, width));
        }
        drawn = true;
    }

    private String bar(Tracker tracker, int width) {
        long total = tracker.total.get();
        long done = tracker.done.get();
        double fraction = total == 0 ? ("done".equals(tracker.state.get()) ? 1 : 0) : Math.min(1, (double) done / total);
        int filled = (int) Math.round(fraction * BAR_WIDTH);
        String state = tracker.state.get();
        String tail = switch (state) {
            case "running" -> String.format(Locale.ROOT, "%,.0f rows/s  %s left", tracker.rate(),
                    eta(total - done, tracker.rate()));
            case "waiting" -> "waiting";
            default -> state;
        };
        return String.format(Locale.ROOT, "%-" + width + "s [%s%s] %3.0f%%  %,d/%,d  %s", tracker.collection,
                "#".repeat(filled), "-".repeat(BAR_WIDTH - filled), fraction * 100, done, total, tail);
    }

    private void printLines() {
        for (Tracker tracker : trackers) {
            if ("running".equals(tracker.state.get())) {
                long total = tracker.total.get();
                long done = tracker.done.get();
                out.printf(Locale.ROOT, "backfill %s: %,d/%,d %s (%.0f%%), %,.0f rows/s, %s left%n", tracker.collection,
                        done, total, verb, total == 0 ? 100.0 : 100.0 * done / total, tracker.rate(),
                        eta(total - done, tracker.rate()));
            }
        }
    }

    /** Prints a plain line when a collection ends, in styles that do not redraw. */
    synchronized void ended(Tracker tracker, Counts counts, double seconds) {
        if (style == BackfillOptions.ProgressStyle.LINES) {
            out.printf(Locale.ROOT, "backfill %s: %s, %,d rows %s in %.1f s%n", tracker.collection,
                    tracker.state.get(), counts.seen(), verb, seconds);
            out.flush();
        }
    }

    private static String eta(long remaining, double rate) {
        if (remaining <= 0) {
            return "0s";
        }
        if (rate <= 0) {
            return "?";
        }
        long seconds = (long) Math.ceil(remaining / rate);
        return seconds >= 3600 ? String.format(Locale.ROOT, "%dh%02dm", seconds / 3600, seconds / 60 % 60)
                : seconds >= 60 ? String.format(Locale.ROOT, "%dm%02ds", seconds / 60, seconds % 60) : seconds + "s";
    }
}
