package dev.headroom.examples.reference;

import dev.headroom.examples.reference.Model.Mix;
import dev.headroom.examples.reference.Model.Profile;
import dev.headroom.examples.reference.Model.Track;
import dev.headroom.examples.reference.Model.Wallet;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.RowMapper;
import org.springframework.stereotype.Component;

/**
 * The tables and every query the service makes, each counted in {@code reference.db.queries} so a
 * load test can read the database load per request (H2 in memory by default, PostgreSQL with {@code
 * DB_URL}). Creates the tables and generates the seed data in a few set-based statements when they
 * are empty.
 */
@Component
public class Database {

  /** The password of every generated user. */
  static final String SEED_PASSWORD = "password";

  static final List<String> GENRES =
      List.of("pop", "rock", "jazz", "hiphop", "electronic", "classical", "folk", "ambient");

  private static final Logger log = LoggerFactory.getLogger(Database.class);

  private static final RowMapper<Profile> PROFILE =
      (rs, n) ->
          new Profile(
              rs.getLong("id"), rs.getString("name"), rs.getString("email"), rs.getString("plan"));
  private static final RowMapper<Track> TRACK =
      (rs, n) ->
          new Track(
              rs.getLong("id"),
              rs.getLong("user_id"),
              rs.getString("title"),
              rs.getString("genre"),
              rs.getInt("duration_s"),
              rs.getLong("plays"),
              rs.getString("cover"));
  private static final RowMapper<Wallet> WALLET =
      (rs, n) ->
          new Wallet(rs.getLong("user_id"), rs.getLong("balance_cents"), rs.getString("currency"));

  private final DataSource dataSource;
  private final JdbcTemplate jdbc;
  private final Counter queries;
  private final String passwordHash = sha256(SEED_PASSWORD);

  Database(DataSource dataSource, MeterRegistry meters, Features features) throws SQLException {
    this.dataSource = dataSource;
    this.jdbc = new JdbcTemplate(dataSource);
    this.queries =
        Counter.builder("reference.db.queries")
            .description("SQL statements sent to the database")
            .register(meters);
    createAndSeed(features.getSeedUsers(), features.getSeedTracks());
  }

  /** The pool, for the batch loaders' IN (...) queries. */
  DataSource dataSource() {
    return dataSource;
  }

  /** Counts a statement made outside this class (a batch loader's IN query). */
  void countQuery() {
    queries.increment();
  }

  /** Statements sent so far. */
  double queryCount() {
    return queries.count();
  }

  Optional<Profile> profile(long id) {
    queries.increment();
    return jdbc.query("SELECT id, name, email, plan FROM users WHERE id = ?", PROFILE, id).stream()
        .findFirst();
  }

  /** The user's id when the email exists and the password matches. */
  Optional<Long> authenticate(String email, String password) {
    queries.increment();
    List<String[]> rows =
        jdbc.query(
            "SELECT id, password_hash FROM users WHERE email = ?",
            (rs, n) -> new String[] {rs.getString(1), rs.getString(2)},
            email);
    if (rows.isEmpty() || !rows.get(0)[1].equals(sha256(password))) {
      return Optional.empty();
    }
    return Optional.of(Long.parseLong(rows.get(0)[0]));
  }

  boolean rename(long id, String name) {
    queries.increment();
    return jdbc.update("UPDATE users SET name = ? WHERE id = ?", name, id) == 1;
  }

  Optional<Track> track(long id) {
    queries.increment();
    return jdbc
        .query(
            "SELECT id, user_id, title, genre, duration_s, plays, cover FROM tracks WHERE id = ?",
            TRACK,
            id)
        .stream()
        .findFirst();
  }

  /** The most played tracks of a genre. */
  List<Track> topTracks(String genre, int limit) {
    queries.increment();
    return jdbc.query(
        "SELECT id, user_id, title, genre, duration_s, plays, cover FROM tracks"
            + " WHERE genre = ? ORDER BY plays DESC, id LIMIT ?",
        TRACK,
        genre,
        limit);
  }

  List<Mix> mixes(long userId) {
    queries.increment();
    return jdbc.query(
        "SELECT id, title, genre FROM mixes WHERE user_id = ? ORDER BY id",
        (rs, n) -> new Mix(rs.getLong(1), rs.getString(2), rs.getString(3)),
        userId);
  }

  Optional<Wallet> wallet(long userId) {
    queries.increment();
    return jdbc
        .query(
            "SELECT user_id, balance_cents, currency FROM wallets WHERE user_id = ?",
            WALLET,
            userId)
        .stream()
        .findFirst();
  }

  /** Adds to a wallet's balance; false when the user has none. */
  boolean topUp(long userId, long cents) {
    queries.increment();
    return jdbc.update(
            "UPDATE wallets SET balance_cents = balance_cents + ? WHERE user_id = ?", cents, userId)
        == 1;
  }

  /**
   * Records the outcome of an AI job once ("done" or "dead"); a job run twice (a lost lease) keeps
   * its first record.
   */
  void recordGeneration(String jobId, long userId, String status) {
    queries.increment();
    jdbc.update(
        "INSERT INTO generations (job_id, user_id, status) SELECT ?, ?, ? WHERE NOT EXISTS"
            + " (SELECT 1 FROM generations WHERE job_id = ?)",
        jobId,
        userId,
        status,
        jobId);
  }

  /** AI generations by outcome ("done", "dead"), for the analytics roll-up. */
  Map<String, Long> generationsByStatus() {
    queries.increment();
    Map<String, Long> counts = new TreeMap<>();
    jdbc.query(
        "SELECT status, COUNT(*) AS n FROM generations GROUP BY status",
        rs -> {
          counts.put(rs.getString("status"), rs.getLong("n"));
        });
    return counts;
  }

  /** The query the user batcher sends: {@code :keys} becomes one parameter per id. */
  static final String PROFILES_IN = "SELECT id, name, email, plan FROM users WHERE id IN (:keys)";

  /** The query the wallet batcher sends. */
  static final String WALLETS_IN =
      "SELECT user_id, balance_cents, currency FROM wallets WHERE user_id IN (:keys)";

  static Profile readProfile(ResultSet rs) throws SQLException {
    return PROFILE.mapRow(rs, 0);
  }

  static Wallet readWallet(ResultSet rs) throws SQLException {
    return WALLET.mapRow(rs, 0);
  }

  private void createAndSeed(int users, int tracks) throws SQLException {
    boolean h2;
    try (Connection c = dataSource.getConnection()) {
      h2 =
          c.getMetaData()
              .getDatabaseProductName()
              .toLowerCase(java.util.Locale.ROOT)
              .contains("h2");
    }
    jdbc.execute(
        "CREATE TABLE IF NOT EXISTS users (id BIGINT PRIMARY KEY, email VARCHAR(200) NOT NULL UNIQUE,"
            + " name VARCHAR(200) NOT NULL, plan VARCHAR(20) NOT NULL, password_hash VARCHAR(64) NOT NULL)");
    jdbc.execute(
        "CREATE TABLE IF NOT EXISTS tracks (id BIGINT PRIMARY KEY, user_id BIGINT NOT NULL,"
            + " title VARCHAR(200) NOT NULL, genre VARCHAR(20) NOT NULL, duration_s INT NOT NULL,"
            + " plays BIGINT NOT NULL, cover VARCHAR(100) NOT NULL)");
    jdbc.execute("CREATE INDEX IF NOT EXISTS tracks_genre_plays ON tracks (genre, plays)");
    jdbc.execute(
        "CREATE TABLE IF NOT EXISTS playlists (id BIGINT PRIMARY KEY, user_id BIGINT NOT NULL,"
            + " name VARCHAR(200) NOT NULL)");
    jdbc.execute(
        "CREATE TABLE IF NOT EXISTS playlist_tracks (playlist_id BIGINT NOT NULL, position INT NOT NULL,"
            + " track_id BIGINT NOT NULL, PRIMARY KEY (playlist_id, position))");
    jdbc.execute(
        "CREATE TABLE IF NOT EXISTS mixes (id BIGINT PRIMARY KEY, user_id BIGINT NOT NULL,"
            + " title VARCHAR(200) NOT NULL, genre VARCHAR(20) NOT NULL)");
    jdbc.execute("CREATE INDEX IF NOT EXISTS mixes_user ON mixes (user_id)");
    jdbc.execute(
        "CREATE TABLE IF NOT EXISTS wallets (user_id BIGINT PRIMARY KEY, balance_cents BIGINT NOT NULL,"
            + " currency VARCHAR(3) NOT NULL)");
    jdbc.execute(
        "CREATE TABLE IF NOT EXISTS generations (job_id VARCHAR(200) PRIMARY KEY, user_id BIGINT NOT NULL,"
            + " status VARCHAR(10) NOT NULL)");
    Long existing = jdbc.queryForObject("SELECT COUNT(*) FROM users", Long.class);
    if (existing != null && existing > 0) {
      log.info("seed data present ({} users)", existing);
      return;
    }
    long started = System.nanoTime();
    String genre = "CASE MOD(n, 8)";
    for (int i = 0; i < GENRES.size(); i++) {
      genre += " WHEN " + i + " THEN '" + GENRES.get(i) + "'";
    }
    genre += " END";
    jdbc.update(
        "INSERT INTO users (id, email, name, plan, password_hash) SELECT n, 'user' || n || '@example.com',"
            + " 'User ' || n, CASE WHEN MOD(n, 10) = 0 THEN 'premium' ELSE 'free' END, ? FROM "
            + range(h2, users),
        passwordHash);
    jdbc.update(
        "INSERT INTO wallets (user_id, balance_cents, currency) SELECT n, MOD(n * 7919, 100000), 'EUR' FROM "
            + range(h2, users));
    jdbc.update(
        "INSERT INTO tracks (id, user_id, title, genre, duration_s, plays, cover) SELECT n, MOD(n * 31, "
            + users
            + ") + 1, 'Track ' || n, "
            + genre
            + ", 90 + MOD(n * 13, 300), MOD(n * 104729, 1000003), 'covers/' || n || '.jpg' FROM "
            + range(h2, tracks));
    jdbc.update(
        "INSERT INTO mixes (id, user_id, title, genre) SELECT n, MOD(n - 1, "
            + users
            + ") + 1, 'Mix ' || n, "
            + genre
            + " FROM "
            + range(h2, users * 2));
    jdbc.update(
        "INSERT INTO playlists (id, user_id, name) SELECT n, n, 'Favourites of user ' || n FROM "
            + range(h2, users));
    jdbc.update(
        "INSERT INTO playlist_tracks (playlist_id, position, track_id) SELECT MOD(n - 1, "
            + users
            + ") + 1, (n - 1) / "
            + users
            + ", MOD(n * 7, "
            + tracks
            + ") + 1 FROM "
            + range(h2, users * 10));
    if (!h2) {
      jdbc.execute("ANALYZE");
    }
    log.info(
        "generated {} users and {} tracks in {} ms",
        users,
        tracks,
        (System.nanoTime() - started) / 1_000_000);
  }

  private static String range(boolean h2, int count) {
    return h2
        ? "(SELECT X AS n FROM SYSTEM_RANGE(1, " + count + ")) r"
        : "generate_series(1::bigint, " + count + ") AS r(n)";
  }

  static String sha256(String text) {
    try {
      return HexFormat.of()
          .formatHex(
              MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
