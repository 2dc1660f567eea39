package dev.headroom.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class KeyResolverTest {

  record Request(String ip, String user, String method, String path) {}

  @Test
  void ipKeysAreNormalizedSoOneClientHasOneKey() {
    KeyResolver<Request> ip = KeyResolver.ip(Request::ip);
    assertThat(ip.resolve(new Request(" 10.0.0.1 ", null, null, null))).isEqualTo("ip:10.0.0.1");
    assertThat(ip.resolve(new Request("[2001:DB8::1]", null, null, null)))
        .isEqualTo("ip:2001:db8::1");
    assertThat(ip.resolve(new Request("fe80::1%eth0", null, null, null))).isEqualTo("ip:fe80::1");
    assertThat(ip.resolve(new Request("::ffff:10.0.0.1", null, null, null)))
        .isEqualTo("ip:10.0.0.1");
    assertThatThrownBy(() -> ip.resolve(new Request(null, null, null, null)))
        .hasMessageContaining("ip key resolver");
  }

  @Test
  void userEndpointAndCompositeKeys() {
    Request r = new Request("1.2.3.4", "u|1", "get", "/orders/7?page=2");
    assertThat(KeyResolver.<Request>user(Request::user).resolve(r)).isEqualTo("user:u|1");
    assertThat(KeyResolver.<Request>endpoint(Request::method, Request::path).resolve(r))
        .isEqualTo("endpoint:GET /orders/7");
    KeyResolver<Request> both =
        KeyResolver.composite(KeyResolver.user(Request::user), KeyResolver.ip(Request::ip));
    assertThat(both.resolve(r)).isEqualTo("user:u\\|1|ip:1.2.3.4");
    // different parts never collide
    KeyResolver<Map<String, String>> a = KeyResolver.composite(m -> m.get("a"), m -> m.get("b"));
    assertThat(a.resolve(Map.of("a", "x|y", "b", "z")))
        .isNotEqualTo(a.resolve(Map.of("a", "x", "b", "y|z")));
    assertThatThrownBy(() -> KeyResolver.composite(List.of()))
        .hasMessageContaining("at least one part");
    assertThatThrownBy(
            () ->
                KeyResolver.<Request>user(Request::user)
                    .resolve(new Request(null, " ", null, null)))
        .hasMessageContaining("blank");
  }
}
