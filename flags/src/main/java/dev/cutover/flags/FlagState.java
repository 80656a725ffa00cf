package dev.cutover.flags;

import java.util.Map;
import java.util.Optional;

/**
 * The four global flags at one moment. Each flag needs the one before it: reads cannot move
 * before writes are copied, PostgreSQL cannot be the source of truth before it serves reads, and
 * MongoDB cannot be switched off while it is still the source of truth.
 */
public record FlagState(boolean usePostgres, boolean readPostgres, boolean postgresPrimary, boolean mongoOff) {

    public static final FlagState ALL_OFF = new FlagState(false, false, false, false);

    /** Why this combination is refused, or empty when it is allowed. */
    public Optional<String> problem() {
        if (readPostgres && !usePostgres) {
            return Optional.of("READ_POSTGRES needs USE_POSTGRES: reads cannot move to PostgreSQL before "
                    + "every write is copied there");
        }
        if (postgresPrimary && !readPostgres) {
            return Optional.of("POSTGRES_PRIMARY needs READ_POSTGRES: PostgreSQL cannot become the source of "
                    + "truth before it serves reads");
        }
        if (mongoOff && !postgresPrimary) {
            return Optional.of("MONGO_OFF needs POSTGRES_PRIMARY: MongoDB cannot be switched off while it is "
                    + "still the source of truth");
        }
        return Optional.empty();
    }

    /** The stage the flags give a collection whose phase is active. */
    public Stage stage() {
        if (mongoOff) {
            return Stage.POSTGRES_ONLY;
        }
        if (postgresPrimary) {
            return Stage.POSTGRES_PRIMARY;
        }
        if (readPostgres) {
            return Stage.READ_POSTGRES;
        }
        return usePostgres ? Stage.DUAL_WRITE : Stage.MONGO_ONLY;
    }

    public boolean isOn(CutoverFeature feature) {
        return switch (feature) {
            case USE_POSTGRES -> usePostgres;
            case READ_POSTGRES -> readPostgres;
            case POSTGRES_PRIMARY -> postgresPrimary;
            case MONGO_OFF -> mongoOff;
        };
    }

    /** The same flags with one changed. */
    public FlagState with(CutoverFeature feature, boolean on) {
        return new FlagState(
                feature == CutoverFeature.USE_POSTGRES ? on : usePostgres,
                feature == CutoverFeature.READ_POSTGRES ? on : readPostgres,
                feature == CutoverFeature.POSTGRES_PRIMARY ? on : postgresPrimary,
                feature == CutoverFeature.MONGO_OFF ? on : mongoOff);
    }

    /** Flags from a name-to-state map (missing names are off). */
    public static FlagState of(Map<CutoverFeature, Boolean> states) {
        FlagState state = ALL_OFF;
        for (Map.Entry<CutoverFeature, Boolean> entry : states.entrySet()) {
            state = state.with(entry.getKey(), entry.getValue());
        }
        return state;
    }
}
