package dev.cutover.flags;

import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Everything that decides a collection's stage, at one moment: the global flags, the active phase
 * and the operator's pins. The stage of a collection is derived here and nowhere else:
 * <ol>
 *   <li>a collection whose phase is above the active phase stays {@link Stage#MONGO_ONLY};</li>
 *   <li>otherwise the flags give its stage ({@link FlagState#stage()});</li>
 *   <li>a pin holds it at most at the pinned stage, e.g. keeps {@code conversations} reading
 *       MongoDB while the rest of its phase moves on.</li>
 * </ol>
 *
 * @param flags       the global flags
 * @param activePhase collections of this phase and below follow the flags
 * @param pins        per collection, the latest stage it may be at
 */
public record MigrationState(FlagState flags, Phase activePhase, Map<String, Stage> pins) {

    public MigrationState {
        pins = java.util.Collections.unmodifiableMap(new TreeMap<>(pins));
    }

    /** The stage of a collection of the given phase. */
    public Stage stageOf(String collection, Phase phase) {
        Stage stage = phase.isActiveUnder(activePhase) ? flags.stage() : Stage.MONGO_ONLY;
        Stage pin = pins.get(collection);
        return pin == null ? stage : stage.atMost(pin);
    }

    /**
     * Why this state is refused, or empty when it is allowed.
     *
     * @param collections every collection's phase, to check pins and phases against
     */
    public Optional<String> problem(Map<String, Phase> collections) {
        Optional<String> flagProblem = flags.problem();
        if (flagProblem.isPresent()) {
            return flagProblem;
        }
        for (String pinned : pins.keySet()) {
            if (!collections.containsKey(pinned)) {
                return Optional.of("there is no collection named '" + pinned + "' to pin; the collections are "
                        + new java.util.TreeSet<>(collections.keySet()));
            }
        }
        if (flags.mongoOff()) {
            for (Map.Entry<String, Phase> collection : collections.entrySet()) {
                Stage stage = stageOf(collection.getKey(), collection.getValue());
                if (stage.uses(Store.MONGO)) {
                    return Optional.of("MONGO_OFF would strand " + collection.getKey() + ", which is at " + stage
                            + " and still needs MongoDB" + (collection.getValue().isActiveUnder(activePhase)
                                    ? " (pinned)" : " (phase " + collection.getValue() + " is not active)"));
                }
            }
        }
        return Optional.empty();
    }

    public MigrationState withFlags(FlagState newFlags) {
        return new MigrationState(newFlags, activePhase, pins);
    }

    public MigrationState withActivePhase(Phase phase) {
        return new MigrationState(flags, phase, pins);
    }

    /** The same state with a collection pinned at {@code stage}, or unpinned when it is empty. */
    public MigrationState withPin(String collection, Optional<Stage> stage) {
        Map<String, Stage> changed = new TreeMap<>(pins);
        stage.ifPresentOrElse(s -> changed.put(collection, s), () -> changed.remove(collection));
        return new MigrationState(flags, activePhase, changed);
    }
}
