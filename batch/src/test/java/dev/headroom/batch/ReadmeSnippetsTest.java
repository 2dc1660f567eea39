package dev.headroom.batch;

import static org.assertj.core.api.Assertions.assertThat;

import dev.headroom.core.backoff.Backoff;
import dev.headroom.core.codec.JsonCodec;
import dev.headroom.core.key.KeySpace;
import dev.headroom.core.redis.RedisConnector;
import dev.headroom.core.time.ManualTimeSource;
import dev.headroom.testkit.ReadmeSnippets;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

/**
 * Every {@code java} block of batch/README.md (and the root README's batch block) stands here line
 * for line, so the README compiles; the snippets that can run without Redis or a database run.
 */
class ReadmeSnippetsTest {

  /** An entity as Spring Data hands it out. */
  static final class User {
    private final long id;
    private final String name;

    User(long id, String name) {
      this.id = id;
      this.name = name;
    }

    long getId() {
      return id;
    }

    String getName() {
      return name;
    }
  }

  /** The shape of Spring Data's {@code CrudRepository.findAllById}. */
  interface UserRepository {
    Iterable<User> findAllById(Iterable<Long> ids);
  }

  /** The shape of Spring Data's {@code ListCrudRepository.findAllById}. */
  interface UserListRepository {
    List<User> findAllById(Iterable<Long> ids);
  }

  record Query(String text) {}

  record Position(int line) {}

  private final List<String> searches = new ArrayList<>();
  private final List<String> saved = new ArrayList<>();

  private void runSearch(String userId, Query query) {
    searches.add(userId + ":" + query.text());
  }

  private final UserRepository userRepo = ids -> {
    List<User> found = new ArrayList<>();
    ids.forEach(id -> {
      if (id < 1000) {
        found.add(new User(id, "user-" + id));
      }
    });
    return found;
  };

  @Test
  void everyReadmeSnippetStandsInACompiledTest() {
    Path here = Path.of("src/test/java/dev/headroom/batch/ReadmeSnippetsTest.java");
    ReadmeSnippets.assertAllIn(Path.of("README.md"), here);
  }

  @Test
  void theShapeRuns() throws Exception {
    // userRepo: a Spring Data repository, Iterable<User> findAllById(Iterable<Long> ids)
    BatchLoader<Long, User> loader = BatchLoader.keyedSync(userRepo::findAllById, User::getId);

    BatcherConfig config = BatcherConfig.builder().maxBatchSize(200).maxLinger(Duration.ofMillis(2)).build();
    Batcher<Long, Optional<User>> users = Batchers.create("users", loader, config);
    CompletableFuture<Optional<User>> alice = users.load(42L);
    BatcherRegistry registry = BatcherRegistry.create(config);  // named batchers: registry.batcher("users", loader)

    assertThat(alice.get().map(User::getName)).contains("user-42");
    assertThat(users.load(4242L).get()).isEmpty();
    users.close();
    Batcher<Long, Optional<User>> named = registry.batcher("users", loader);
    assertThat(registry.batcher("users", loader)).isSameAs(named);
    registry.close();
    assertThat(named.health().status()).isEqualTo(dev.headroom.core.health.HealthStatus.DOWN);
  }

  @Test
  void aListRepositoryFitsToo() {
    UserListRepository listRepo = ids -> List.of(new User(7, "seven"));
    BatchLoader<Long, User> loader = BatchLoader.keyedSync(listRepo::findAllById, User::getId);
    try (Batcher<Long, Optional<User>> users = Batchers.create("list-users", loader,
        BatcherConfig.builder().executor(Runnable::run).build())) {
      CompletableFuture<Optional<User>> seven = users.load(7L);
      users.dispatch();
      assertThat(seven.join().map(User::getName)).contains("seven");
    }
  }

  @SuppressWarnings("unused")
  private void theBatcherSection(BatchLoader<Long, User> loader, MeterRegistry meterRegistry, List<Long> ids) {
    ExecutorService jdbcPool = Executors.newFixedThreadPool(8);
    Batcher<Long, Optional<User>> users = Batchers.create("users", loader, BatcherConfig.builder()
        .maxBatchSize(200)                      // dispatch as soon as 200 distinct keys wait
        .maxLinger(Duration.ofMillis(2))        // ... or 2 ms after the first key of the window
        .maxInFlight(8)                         // at most 8 loader calls at once
        .maxPendingKeys(5_000).overflow(Overflow.block(Duration.ofMillis(50)))
        .loaderTimeout(Duration.ofSeconds(2))
        .retry(Backoff.exponential(Duration.ofMillis(20), Duration.ofSeconds(1)).maxAttempts(3).build())
        .executor(jdbcPool)                     // where the loader runs (a blocking loader wants its own)
        .meterRegistry(meterRegistry)
        .build());

    CompletableFuture<Optional<User>> alice = users.load(42L);
    CompletableFuture<List<Optional<User>>> page = users.loadMany(ids);
  }

  @SuppressWarnings("unused")
  private void absentKeys(BatchLoader<Long, User> loader, BatcherConfig config, User nobody) {
    Batcher<Long, Optional<User>> maybe = Batchers.create("users", loader, config);
    Batcher<Long, User> orNobody = Batchers.createWithDefault("users-or-nobody", loader, nobody, config);
    Batcher<Long, User> required = Batchers.createRequired("users-required", loader, config);
  }

  @SuppressWarnings("unused")
  private void readyLoaders(RedisConnector connector, DataSource dataSource, ExecutorService dbExecutor) {
    // Redis: one MGET per batch on the connector's shared connection (works on Cluster too).
    KeySpace space = KeySpace.of("myapp", "users");
    BatchLoader<Long, User> fromRedis = BatchLoaders.redisMget(connector, id -> space.key(id.toString()), JsonCodec.of(User.class));

    // JDBC: one SELECT ... IN (...) per batch; :keys becomes ?, ?, ... (padded to a power of two).
    BatchLoader<Long, User> fromDb = BatchLoaders.jdbc(dataSource,
        "SELECT id, name FROM users WHERE id IN (:keys)",
        rs -> rs.getLong("id"), rs -> new User(rs.getLong("id"), rs.getString("name")),
        dbExecutor);
  }

  @Test
  void theDebouncerSectionRuns() {
    ManualTimeSource time = ManualTimeSource.create();
    DebouncerConfig.Builder base = DebouncerConfig.builder().timeSource(time).executor(Runnable::run);
    String userId = "u1";
    Query query = new Query("jazz");

    Debouncer<String, Query> search = Batchers.debouncer("search", this::runSearch,
        base.waitTime(Duration.ofMillis(300)).maxWait(Duration.ofSeconds(1)).build());
    search.call(userId, query);     // one run per user, 300 ms after their last call, at least every second

    Debouncer<String, Position> saves = Batchers.throttle("save-position", Duration.ofSeconds(5),
        (String docId, Position pos) -> saved.add(docId + "@" + pos.line()), base.build());
    saves.call("doc", new Position(1));   // at most once per 5 s per document, always with the latest position

    time.advance(Duration.ofMillis(300));
    assertThat(searches).containsExactly("u1:jazz");
    assertThat(saved).containsExactly("doc@1");
  }

  @Test
  void theTestingSectionRuns() {
    RecordingLoader<Long, String> loader = RecordingLoader.mapping(id -> "user-" + id);

    ManualTimeSource time = ManualTimeSource.create();
    Batcher<Long, Optional<String>> users = Batchers.create("users", loader, BatcherConfig.builder()
        .maxLinger(Duration.ofMillis(5)).timeSource(time).executor(Runnable::run).build());
    CompletableFuture<Optional<String>> alice = users.load(42L);
    time.advance(Duration.ofMillis(5));   // the window's linger passes: the loader runs now, on this thread
    assertThat(alice).isCompletedWithValue(Optional.of("user-42"));
  }
}
