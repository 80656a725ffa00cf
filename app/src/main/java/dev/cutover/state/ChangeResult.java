package dev.cutover.state;

/**
 * The outcome of a change: the state after it and whether anything changed. A change to the value
 * already stored writes nothing, not even an audit row, so repeating a request is harmless.
 */
public record ChangeResult(StateSnapshot snapshot, boolean changed) {
}
