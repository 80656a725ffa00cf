package dev.cutover.service;

import dev.cutover.config.MongoUris;
import dev.cutover.config.Settings;
import dev.cutover.flags.CutoverFeature;
import dev.cutover.flags.MigrationState;
import dev.cutover.state.MigrationStateStore;
import dev.cutover.state.StateSnapshot;
import io.micronaut.context.event.ApplicationEventListener;
import io.micronaut.context.event.StartupEvent;
import jakarta.inject.Singleton;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What every start-up prints: version, stores (credentials masked), and the flags, phase and pins
 * as stored in PostgreSQL, which are what the service obeys (the environment only seeds them at
 * the first boot on a database).
 */
final class StartupReport {

    private static final Logger LOG = LoggerFactory.getLogger("dev.cutover.startup");

    private StartupReport() {
    }

    static void logConfiguration(Settings settings) {
        LOG.info("cutover {} starting", Version.current());
        LOG.info("PostgreSQL: {} (AUTO_CREATE_DB={}, AUTO_MIGRATE={})",
                settings.postgresUri().map(Object::toString).orElse("not configured"),
                settings.autoCreateDb(), settings.autoMigrate());
        LOG.info("MongoDB: {} database {}",
                settings.mongoUri().map(MongoUris::redacted).orElse("not configured"), settings.mongoDbName());
    }

    /** The stored state, once the service has read it; and which environment defaults it overrides. */
    static void logState(StateSnapshot snapshot, MigrationState environment) {
        MigrationState state = snapshot.state();
        LOG.info("Flags: {}={} {}={}, active phase {}; {}={} {}={}; pins {} (stored state, revision {})",
                CutoverFeature.USE_POSTGRES, state.flags().usePostgres(),
                CutoverFeature.READ_POSTGRES, state.flags().readPostgres(), state.activePhase(),
                CutoverFeature.POSTGRES_PRIMARY, state.flags().postgresPrimary(),
                CutoverFeature.MONGO_OFF, state.flags().mongoOff(),
                state.pins().isEmpty() ? "none" : state.pins(), snapshot.revision());
        List<String> overridden = new ArrayList<>();
        for (CutoverFeature feature : List.of(CutoverFeature.USE_POSTGRES, CutoverFeature.READ_POSTGRES)) {
            if (state.flags().isOn(feature) != environment.flags().isOn(feature)) {
                overridden.add(feature + "=" + environment.flags().isOn(feature));
            }
        }
        if (!state.activePhase().equals(environment.activePhase())) {
            overridden.add("MIGRATION_PHASE=" + environment.activePhase());
        }
        if (!overridden.isEmpty()) {
            LOG.info("The environment's {} is not used: the stored state wins, and the environment only seeds a "
                    + "first boot. Change flags with the admin API (docs/admin.md)", String.join(" ", overridden));
        }
    }

    /** Prints the stored state when the context has started, which reads it. */
    @Singleton
    static final class StoredState implements ApplicationEventListener<StartupEvent> {

        private final MigrationStateStore store;

        StoredState(MigrationStateStore store) {
            this.store = store;
        }

        @Override
        public void onApplicationEvent(StartupEvent event) {
            logState(store.snapshot(), store.environmentDefaults());
        }
    }

    static void logReady(URI url) {
        LOG.info("cutover {} ready on {} (health: {}health, metrics: {}prometheus)",
                Version.current(), url, slash(url), slash(url));
    }

    private static String slash(URI url) {
        String text = url.toString();
        return text.endsWith("/") ? text : text + "/";
    }
}
