package dev.headroom.examples.reference;

import dev.headroom.batch.BatchLoader;
import dev.headroom.batch.BatchLoaders;
import dev.headroom.batch.Batcher;
import dev.headroom.batch.BatcherConfig;
import dev.headroom.batch.BatcherRegistry;
import dev.headroom.cache.Cache;
import dev.headroom.cache.CacheConfig;
import dev.headroom.cache.CacheRegistry;
import dev.headroom.cache.CacheStats;
import dev.headroom.cache.TtlTier;
import dev.headroom.cdn.CdnRouter;
import dev.headroom.cdn.HmacKey;
import dev.headroom.cdn.HmacSigner;
import dev.headroom.examples.reference.Model.Creator;
import dev.headroom.examples.reference.Model.HomeFeed;
import dev.headroom.examples.reference.Model.MixList;
import dev.headroom.examples.reference.Model.Profile;
import dev.headroom.examples.reference.Model.Track;
import dev.headroom.examples.reference.Model.TrackView;
import dev.headroom.examples.reference.Model.Wallet;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.stereotype.Service;

/**
 * The reads and writes behind the API, with every primitive where a real service puts it:
 *
 * <ul>
 *   <li>tracks (LONG tier), profiles and mixes (MEDIUM tier) read through two-level caches; a
 *       user's entries share the prefix {@code user:<id>:}, so a change invalidates them on every
 *       node with one pattern, {@code user:<id>:*};
 *   <li>the home feed is a SHORT-tier entry served stale while one reload runs;
 *   <li>the dashboard's many profile and wallet lookups become one {@code IN (...)} query each;
 *   <li>covers get CDN URLs, audio gets signed ones.
 * </ul>
 *
 * With {@code reference.cache=false} or {@code reference.batching=false} the same calls go to the
 * database one by one, for the comparison.
 */
@Service
public class Catalog implements DisposableBean {

  /** Tracks on a home feed. */
  static final int FEED_SIZE = 20;

  /** Tracks whose creators the dashboard shows. */
  static final int DASHBOARD_TRACKS = 40;

  private final Database db;
  private final Features features;
  private final CdnRouter cdn;
  private final HmacSigner signer;
  private final Cache<Track> tracks;
  private final Cache<Profile> profiles;
  private final Cache<MixList> mixes;
  private final Cache<HomeFeed> feeds;
  private final List<Cache<?>> all;
  private final Batcher<Long, Optional<Profile>> profileBatcher;
  private final Batcher<Long, Optional<Wallet>> walletBatcher;
  private final ExecutorService loaderThreads = Executors.newFixedThreadPool(4);

  Catalog(
      Database db,
      Features features,
      CdnRouter cdn,
      CacheRegistry caches,
      BatcherRegistry batchers,
      MeterRegistry meters) {
    this.db = db;
    this.features = features;
    this.cdn = cdn;
    this.signer = HmacSigner.of(HmacKey.ofBase64("k1", features.getSigningKey()));
    this.tracks =
        caches.getOrCreate(
            "tracks",
            CacheConfig.builder(Track.class)
                .ttl(TtlTier.LONG)
                .maximumSize(50_000)
                .stampedeLease(Duration.ofSeconds(2), Duration.ofSeconds(2))
                .meterRegistry(meters)
                .build());
    this.profiles =
        caches.getOrCreate(
            "profiles",
            CacheConfig.builder(Profile.class)
                .ttl(TtlTier.MEDIUM)
                .maximumSize(50_000)
                .meterRegistry(meters)
                .build());
    this.mixes =
        caches.getOrCreate(
            "mixes",
            CacheConfig.builder(MixList.class)
                .ttl(TtlTier.MEDIUM)
                .maximumSize(50_000)
                .meterRegistry(meters)
                .build());
    this.feeds =
        caches.getOrCreate(
            "feeds",
            CacheConfig.builder(HomeFeed.class)
                .ttl(TtlTier.SHORT)
                .staleWhileRevalidate(Duration.ofMinutes(5))
                .stampedeLease(Duration.ofSeconds(2), Duration.ofSeconds(2))
                .meterRegistry(meters)
                .build());
    this.all = List.of(tracks, profiles, mixes, feeds);
    BatcherConfig batching =
        BatcherConfig.builder()
            .maxBatchSize(200)
            .maxLinger(Duration.ofMillis(2))
            .meterRegistry(meters)
            .build();
    this.profileBatcher =
        batchers.batcher(
            "profiles",
            counted(
                BatchLoaders.jdbc(
                    db.dataSource(),
                    Database.PROFILES_IN,
                    rs -> rs.getLong("id"),
                    Database::readProfile,
                    loaderThreads)),
            batching);
    this.walletBatcher =
        batchers.batcher(
            "wallets",
            counted(
                BatchLoaders.jdbc(
                    db.dataSource(),
                    Database.WALLETS_IN,
                    rs -> rs.getLong("user_id"),
                    Database::readWallet,
                    loaderThreads)),
            batching);
  }

  /** A track with its cover on the CDN and a signed audio URL; empty when there is none. */
  Optional<TrackView> track(long id) {
    return Optional.ofNullable(read(tracks, "track:" + id, () -> db.track(id).orElse(null)))
        .map(this::view);
  }

  TrackView view(Track track) {
    String cover = cdn.route(track.cover()).url();
    String audio =
        cdn.route("audio/" + track.id() + ".mp3")
            .signed(signer, cdn.grantFor(Duration.ofSeconds(features.getAudioUrlSeconds())))
            .toString();
    return new TrackView(track, cover, audio);
  }

  Optional<Profile> profile(long userId) {
    return Optional.ofNullable(
        read(profiles, "user:" + userId + ":profile", () -> db.profile(userId).orElse(null)));
  }

  MixList mixes(long userId) {
    MixList list =
        read(mixes, "user:" + userId + ":mixes", () -> new MixList(userId, db.mixes(userId)));
    return list == null ? new MixList(userId, List.of()) : list;
  }

  /** Renames a user and drops every cached entry of that user, on every node. */
  boolean rename(long userId, String name) {
    boolean changed = db.rename(userId, name);
    if (changed) {
      String pattern = "user:" + userId + ":*";
      profiles.invalidatePattern(pattern);
      mixes.invalidatePattern(pattern);
    }
    return changed;
  }

  /** The home feed of a genre: fresh for a minute, then served stale while it reloads. */
  HomeFeed home(String genre) {
    HomeFeed feed =
        read(
            feeds,
            "home:" + genre,
            () -> new HomeFeed(genre, System.currentTimeMillis(), db.topTracks(genre, FEED_SIZE)));
    return feed == null ? new HomeFeed(genre, 0, List.of()) : feed;
  }

  /**
   * The creators of a genre's top tracks with their wallets: with batching on, every profile and
   * every wallet of the page is one {@code IN (...)} query each.
   */
  List<Creator> dashboard(String genre) {
    HomeFeed top =
        read(
            feeds,
            "dashboard:" + genre,
            () ->
                new HomeFeed(
                    genre, System.currentTimeMillis(), db.topTracks(genre, DASHBOARD_TRACKS)));
    List<Track> list = top == null ? List.of() : top.tracks();
    Set<Long> userIds = new LinkedHashSet<>();
    list.forEach(t -> userIds.add(t.userId()));
    List<Creator> creators = new ArrayList<>();
    if (features.isBatching()) {
      // every id of the page in one call: one batch (and one IN query) per batcher, shared with
      // the lookups of concurrent requests that arrive within the same window
      CompletableFuture<List<Optional<Profile>>> ps = profileBatcher.loadMany(userIds);
      CompletableFuture<List<Optional<Wallet>>> ws = walletBatcher.loadMany(userIds);
      List<Optional<Profile>> profilesOfPage = ps.join();
      List<Optional<Wallet>> walletsOfPage = ws.join();
      for (int i = 0; i < profilesOfPage.size(); i++) {
        Optional<Profile> p = profilesOfPage.get(i);
        Optional<Wallet> w = walletsOfPage.get(i);
        if (p.isPresent() && w.isPresent()) {
          creators.add(new Creator(p.get(), w.get()));
        }
      }
    } else {
      for (Long id : userIds) {
        Optional<Profile> p = db.profile(id);
        Optional<Wallet> w = db.wallet(id);
        if (p.isPresent() && w.isPresent()) {
          creators.add(new Creator(p.get(), w.get()));
        }
      }
    }
    return creators;
  }

  /** Hit counts of every cache, by name. */
  Map<String, CacheStats> cacheStats() {
    return all.stream().collect(Collectors.toMap(Cache::name, Cache::stats));
  }

  private <V> @Nullable V read(Cache<V> cache, String key, Supplier<@Nullable V> load) {
    if (!features.isCache()) {
      return load.get();
    }
    return cache.get(key, k -> load.get());
  }

  private <K, V> BatchLoader<K, V> counted(BatchLoader<K, V> loader) {
    return keys -> {
      db.countQuery();
      return loader.load(keys);
    };
  }

  @Override
  public void destroy() {
    loaderThreads.shutdown();
  }
}
