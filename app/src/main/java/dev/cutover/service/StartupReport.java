package dev.cutover.service;

import dev.cutover.config.MongoUris;
import dev.cutover.config.Settings;
import dev.cutover.flags.CutoverFeature;
import java.net.URI;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** What every start-up prints: version, stores (credentials masked), flags and phase. */
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
        LOG.info("Flags: {}={} {}={}, active phase {} (defaults from the environment)",
                CutoverFeature.USE_POSTGRES, settings.usePostgres(),
                CutoverFeature.READ_POSTGRES, settings.readPostgres(), settings.migrationPhase());
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
