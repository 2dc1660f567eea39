package dev.headroom.examples.reference;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * The switches that turn each primitive off for the comparison run ({@code reference.cache=false},
 * …; rate limits turn off with {@code headroom.ratelimit.enabled=false}), and the seed sizes.
 */
@ConfigurationProperties("reference")
public class Features {

  /** Reads go through the two-level caches; false: every read queries the database. */
  private boolean cache = true;

  /** Dashboard lookups are batched into one IN (...) query; false: one query per id. */
  private boolean batching = true;

  /** Jobs run in the request's thread instead of on the queue's workers. */
  private boolean inlineJobs = false;

  /** Users generated at the first start (when the tables are empty). */
  private int seedUsers = 20_000;

  /** Tracks generated at the first start. */
  private int seedTracks = 100_000;

  /** Base64 HMAC key that signs audio URLs. */
  private String signingKey = "cmVmZXJlbmNlLXNlcnZpY2UtZGV2ZWxvcG1lbnQta2V5IQ==";

  /** How long a signed audio URL stays valid, in seconds. */
  private long audioUrlSeconds = 600;

  public boolean isCache() {
    return cache;
  }

  public void setCache(boolean cache) {
    this.cache = cache;
  }

  public boolean isBatching() {
    return batching;
  }

  public void setBatching(boolean batching) {
    this.batching = batching;
  }

  public boolean isInlineJobs() {
    return inlineJobs;
  }

  public void setInlineJobs(boolean inlineJobs) {
    this.inlineJobs = inlineJobs;
  }

  public int getSeedUsers() {
    return seedUsers;
  }

  public void setSeedUsers(int seedUsers) {
    this.seedUsers = seedUsers;
  }

  public int getSeedTracks() {
    return seedTracks;
  }

  public void setSeedTracks(int seedTracks) {
    this.seedTracks = seedTracks;
  }

  public String getSigningKey() {
    return signingKey;
  }

  public void setSigningKey(String signingKey) {
    this.signingKey = signingKey;
  }

  public long getAudioUrlSeconds() {
    return audioUrlSeconds;
  }

  public void setAudioUrlSeconds(long audioUrlSeconds) {
    this.audioUrlSeconds = audioUrlSeconds;
  }
}
