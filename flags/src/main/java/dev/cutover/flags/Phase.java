package dev.cutover.flags;

/**
 * A migration phase: the order in which an operator moves collections. Collections whose phase
 * is at or below the active phase follow the flags; the others stay on MongoDB.
 *
 * <p>Phase {@code 0} is a valid active phase and means "no collection follows the flags yet".
 */
public record Phase(int number) implements Comparable<Phase> {

    /** The highest phase any collection belongs to. */
    public static final int LAST = 3;

    public Phase {
        if (number < 0 || number > LAST) {
            throw new IllegalArgumentException(
                    "phase must be between 0 and " + LAST + ", but was " + number);
        }
    }

    public static Phase of(int number) {
        return new Phase(number);
    }

    /** Whether a collection of this phase is active when {@code active} is the active phase. */
    public boolean isActiveUnder(Phase active) {
        return number <= active.number;
    }

    @Override
    public int compareTo(Phase other) {
        return Integer.compare(number, other.number);
    }

    @Override
    public String toString() {
        return Integer.toString(number);
    }
}
