package dev.headroom.core.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lettuce.core.RedisCredentials;
import io.lettuce.core.RedisURI;
import java.util.List;
import org.junit.jupiter.api.Test;

class RedisUrisTest {

  @Test
  void standalone() {
    RedisUris.Parsed p = RedisUris.parse("redis://:pw@cache:6380/3");
    assertThat(p.topology()).isEqualTo(RedisTopology.STANDALONE);
    RedisURI u = p.uris().get(0);
    assertThat(u.getHost()).isEqualTo("cache");
    assertThat(u.getPort()).isEqualTo(6380);
    assertThat(u.getDatabase()).isEqualTo(3);
    assertThat(RedisUris.parse("rediss://cache").uris().get(0).isSsl()).isTrue();
  }

  @Test
  void anAclUserAndPasswordReachEveryForm() {
    for (String url :
        List.of(
            "redis://app:s3cret@cache:6380/2",
            "rediss://app:s3cret@cache",
            "redis-sentinel://app:s3cret@s1:26379,s2:26380#mymaster",
            "redis-cluster://app:s3cret@n1:7000,n2:7001")) {
      for (RedisURI u : RedisUris.parse(url).uris()) {
        RedisCredentials credentials = u.getCredentialsProvider().resolveCredentials().block();
        assertThat(credentials).as(url).isNotNull();
        assertThat(credentials.getUsername()).as(url).isEqualTo("app");
        assertThat(credentials.getPassword()).as(url).containsExactly("s3cret".toCharArray());
        assertThat(u.toString()).as(url).doesNotContain("s3cret");
      }
      assertThat(RedisUris.mask(url)).as(url).contains("app:****@").doesNotContain("s3cret");
    }
    assertThat(RedisUris.parse("redis://app:s3cret@cache:6380/2").uris().get(0).getDatabase())
        .isEqualTo(2);
    assertThat(RedisUris.mask("redis://:s3cret@cache")).isEqualTo("redis://:****@cache");
    assertThat(RedisUris.mask("redis://cache:6379")).isEqualTo("redis://cache:6379");
  }

  @Test
  void sentinel() {
    RedisUris.Parsed p = RedisUris.parse("redis-sentinel://s1:26379,s2:26380#mymaster");
    assertThat(p.topology()).isEqualTo(RedisTopology.SENTINEL);
    assertThat(p.uris().get(0).getSentinels()).hasSize(2);
    assertThat(p.uris().get(0).getSentinelMasterId()).isEqualTo("mymaster");
  }

  @Test
  void clusterListsSeedNodesWithSharedCredentials() {
    RedisUris.Parsed p =
        RedisUris.parse("redis-cluster://user:pw@n1:7000,n2:7001, n3:7002?timeout=3s");
    assertThat(p.topology()).isEqualTo(RedisTopology.CLUSTER);
    List<RedisURI> seeds = p.uris();
    assertThat(seeds).extracting(RedisURI::getHost).containsExactly("n1", "n2", "n3");
    assertThat(seeds).extracting(RedisURI::getPort).containsExactly(7000, 7001, 7002);
    assertThat(seeds).allSatisfy(u -> assertThat(u.getCredentialsProvider()).isNotNull());
    assertThat(seeds).allSatisfy(u -> assertThat(u.toString()).doesNotContain("pw"));
    assertThat(RedisUris.parse("rediss-cluster://n1:7000").uris().get(0).isSsl()).isTrue();
  }

  @Test
  void rejectsWhatItCannotUse() {
    assertThatThrownBy(() -> RedisUris.parse("htp://x"))
        .hasMessageContaining("unsupported scheme 'htp'");
    assertThatThrownBy(() -> RedisUris.parse("redis-cluster://n1:7000,,n2"))
        .hasMessageContaining("none empty");
    assertThatThrownBy(() -> RedisUris.parse("redis-cluster://n1:7000/2"))
        .hasMessageContaining("only database 0");
    assertThatThrownBy(() -> RedisUris.parse("redis://"))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void masksPasswords() {
    assertThat(RedisUris.mask("redis://user:secret@h:1")).isEqualTo("redis://user:****@h:1");
    assertThat(RedisUris.mask("redis://secret@h:1")).isEqualTo("redis://****@h:1");
    assertThat(RedisUris.mask("redis://h:1")).isEqualTo("redis://h:1");
  }
}
