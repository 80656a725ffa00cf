package dev.cutover.routing;

import com.mongodb.ConnectionString;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoDatabase;
import dev.cutover.MutableClock;
import dev.cutover.TcpProxy;
import dev.cutover.TestStores;
import dev.cutover.collections.Collections;
import dev.cutover.document.CollectionSpec;
import dev.cutover.document.DocumentRepository;
import dev.cutover.document.DocumentService;
import dev.cutover.document.mongo.MongoDocumentRepository;
import dev.cutover.document.postgres.PostgresDocumentRepository;
import dev.cutover.flags.Stage;
import dev.cutover.flags.Store;
import dev.cutover.postgres.PostgresBootstrap;
import dev.cutover.postgres.PostgresUri;
import dev.cutover.postgres.SchemaMigrator;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Both real stores, each behind a {@link TcpProxy} a test can cut, with their repositories,
 * repair queues, guards, a router per collection and a repair worker, all sharing one stage that
 * the test sets. Each fixture has databases of its own.
 */
final class RoutingFixture implements AutoCloseable {

    static final GuardSettings GUARD = new GuardSettings(Duration.ofMillis(800), 16, 50, Duration.ofSeconds(1));

    final AtomicReference<Stage> stage = new AtomicReference<>(Stage.MONGO_ONLY);
    final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    final MutableClock clock = new MutableClock(Instant.now());
    final TcpProxy postgresProxy;
    final TcpProxy mongoProxy;
    final Map<Store, Map<String, DocumentRepository>> stores = new EnumMap<>(Store.class);
    final Map<Store, RepairQueue> queues = new EnumMap<>(Store.class);
    final Map<Store, StoreGuard> guards = new EnumMap<>(Store.class);
    final SecondaryWrites secondaryWrites;
    final RepairWorker worker;
    private final MongoClient mongoClient;
    private final com.zaxxer.hikari.HikariDataSource postgres;

    RoutingFixture() throws Exception {
        PostgresUri database = TestStores.freshDatabase();
        new PostgresBootstrap(Duration.ofSeconds(5)).ensureDatabase(database, true);
        new SchemaMigrator(database).migrate();
        String[] hostPort = database.hosts().split(":");
        postgresProxy = new TcpProxy(hostPort[0], Integer.parseInt(hostPort[1]));
        // A pool, as the service has: a new connection per call would dwarf everything measured here.
        com.zaxxer.hikari.HikariConfig pool = new com.zaxxer.hikari.HikariConfig();
        pool.setJdbcUrl("jdbc:postgresql://127.0.0.1:" + postgresProxy.port() + "/" + database.database()
                + "?connectTimeout=2&socketTimeout=5");
        pool.setUsername(database.user());
        pool.setPassword(database.password());
        pool.setMaximumPoolSize(12);
        pool.setConnectionTimeout(1000);
        pool.setInitializationFailTimeout(-1);
        postgres = new com.zaxxer.hikari.HikariDataSource(pool);

        ConnectionString mongoUri = new ConnectionString(TestStores.mongo());
        String[] mongoHost = mongoUri.getHosts().get(0).split(":");
        mongoProxy = new TcpProxy(mongoHost[0], Integer.parseInt(mongoHost[1]));
        mongoClient = MongoClients.create("mongodb://127.0.0.1:" + mongoProxy.port()
                + "/?serverSelectionTimeoutMS=1000&connectTimeoutMS=1000&socketTimeoutMS=5000");
        MongoDatabase mongo = mongoClient.getDatabase(TestStores.uniqueName("routing"));

        Map<String, DocumentRepository> onMongo = new LinkedHashMap<>();
        Map<String, DocumentRepository> onPostgres = new LinkedHashMap<>();
        Map<String, CollectionSpec> specs = new LinkedHashMap<>();
        for (CollectionSpec spec : Collections.ALL) {
            MongoDocumentRepository mongoRepository = new MongoDocumentRepository(spec, mongo);
            mongoRepository.ensureIndexes();
            onMongo.put(spec.name(), mongoRepository);
            onPostgres.put(spec.name(), new PostgresDocumentRepository(spec, postgres));
            specs.put(spec.name(), spec);
        }
        stores.put(Store.MONGO, onMongo);
        stores.put(Store.POSTGRES, onPostgres);
        queues.put(Store.MONGO, new MongoRepairQueue(mongo, clock));
        queues.put(Store.POSTGRES, new PostgresRepairQueue(postgres, clock));
        var breakers = io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry.ofDefaults();
        var bulkheads = io.github.resilience4j.bulkhead.BulkheadRegistry.ofDefaults();
        guards.put(Store.MONGO, new StoreGuard(Store.MONGO, GUARD, breakers, bulkheads));
        guards.put(Store.POSTGRES, new StoreGuard(Store.POSTGRES, GUARD, breakers, bulkheads));
        secondaryWrites = new SecondaryWrites(guards, queues::get, meters);
        worker = new RepairWorker(specs, stores, queues, meters, clock);
    }

    /** A router of {@code spec} over both stores, following {@link #stage}. */
    DualWriteRouter router(CollectionSpec spec) {
        return new DualWriteRouter(spec, Map.of(Store.MONGO, store(Store.MONGO, spec),
                Store.POSTGRES, store(Store.POSTGRES, spec)), stage::get, secondaryWrites);
    }

    DocumentService service(CollectionSpec spec) {
        return new DocumentService(router(spec), java.time.Clock.systemUTC());
    }

    DocumentRepository store(Store store, CollectionSpec spec) {
        return stores.get(store).get(spec.name());
    }

    /** Drains both queues until both are empty, or fails after {@code rounds}. */
    void drainRepairs(int rounds) {
        for (int round = 0; round < rounds; round++) {
            worker.drain();
            if (queues.get(Store.MONGO).depth() == 0 && queues.get(Store.POSTGRES).depth() == 0) {
                return;
            }
            // Entries waiting for a retry become due once their delay has passed.
            clock.advance(Duration.ofMinutes(2));
        }
        throw new AssertionError("repair queues did not drain: mongo " + queues.get(Store.MONGO).depth()
                + ", postgres " + queues.get(Store.POSTGRES).depth());
    }

    double counter(String name, String... tags) {
        return meters.find(name).tags(tags).counters().stream().mapToDouble(c -> c.count()).sum();
    }

    @Override
    public void close() throws Exception {
        worker.close();
        guards.values().forEach(StoreGuard::close);
        mongoClient.close();
        postgres.close();
        postgresProxy.close();
        mongoProxy.close();
    }
}
