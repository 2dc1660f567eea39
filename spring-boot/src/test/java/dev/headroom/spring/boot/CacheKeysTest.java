package dev.headroom.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.reflect.Method;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.cache.interceptor.SimpleKey;

class CacheKeysTest {

  enum Plan {
    FREE
  }

  record Id(String tenant, long id) {}

  @Test
  void simpleValuesAreTheirText() {
    UUID u = UUID.fromString("00000000-0000-0000-0000-000000000001");
    assertThat(CacheKeys.toKey("ada")).isEqualTo("ada");
    assertThat(CacheKeys.toKey(42L)).isEqualTo("42");
    assertThat(CacheKeys.toKey(Plan.FREE)).isEqualTo("FREE");
    assertThat(CacheKeys.toKey(u)).isEqualTo(u.toString());
    assertThat(CacheKeys.toKey(new Id("t", 7))).isEqualTo("Id[tenant=t, id=7]");
    assertThat(CacheKeys.toKey(SimpleKey.EMPTY)).isEqualTo("_");
    assertThat(CacheKeys.toKey(new SimpleKey("a", 1))).isEqualTo("SimpleKey [a, 1]");
  }

  @Test
  void objectsWithoutAPredictableFormAreRefused() {
    assertThatThrownBy(() -> CacheKeys.toKey(new Object()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("java.lang.Object")
        .hasMessageContaining("key = ");
  }

  @Test
  void severalArgumentsAreJoinedAndEscaped() throws NoSuchMethodException {
    Method m = Object.class.getMethod("toString");
    CacheKeys keys = new CacheKeys();
    assertThat(keys.generate(this, m)).isEqualTo("_");
    assertThat(keys.generate(this, m, "a,b", 1)).isEqualTo("a\\,b,1");
    assertThat(keys.generate(this, m, "a", "b,1")).isNotEqualTo(keys.generate(this, m, "a,b", 1));
  }
}
