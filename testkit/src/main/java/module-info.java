/** What tests need: a real Redis (server or cluster) on demand, injected as a connector. */
module dev.headroom.testkit {
  requires transitive dev.headroom.core;
  requires transitive org.junit.jupiter.api;
  requires static org.jspecify;
  requires lettuce.core;

  exports dev.headroom.testkit;
}
