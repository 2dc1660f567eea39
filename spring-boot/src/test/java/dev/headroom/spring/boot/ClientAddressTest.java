package dev.headroom.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class ClientAddressTest {

  private final ClientAddress proxies = new ClientAddress(List.of("10.0.0.0/8", "::1"));

  @Test
  void headersFromAnUntrustedPeerAreIgnored() {
    assertThat(proxies.resolve("203.0.113.9", List.of("1.2.3.4"), List.of()))
        .isEqualTo("203.0.113.9");
    assertThat(new ClientAddress(List.of()).resolve("10.0.0.1", List.of("1.2.3.4"), null))
        .isEqualTo("10.0.0.1");
  }

  @Test
  void theChainIsWalkedFromTheRightPastTrustedProxies() {
    assertThat(proxies.resolve("10.0.0.1", List.of("6.6.6.6, 198.51.100.7, 10.1.2.3"), null))
        .isEqualTo("198.51.100.7");
    assertThat(proxies.resolve("::1", List.of("10.0.0.2"), null)).isEqualTo("10.0.0.2");
  }

  @Test
  void forwardedIsReadWithPortsAndBrackets() {
    assertThat(
            proxies.resolve(
                "10.9.9.9",
                List.of("1.1.1.1"),
                List.of("for=192.0.2.60:4711;proto=http, for=\"[2001:db8::1]:443\"")))
        .isEqualTo("2001:db8::1");
  }

  @Test
  void aBadRangeNamesTheProperty() {
    assertThatThrownBy(() -> new ClientAddress(List.of("10.0.0.0/8", "proxy.local")))
        .hasMessageContaining("headroom.ratelimit.trusted-proxies[1]=proxy.local");
  }
}
