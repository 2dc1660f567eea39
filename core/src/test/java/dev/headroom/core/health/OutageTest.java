package dev.headroom.core.health;

import static org.assertj.core.api.Assertions.assertThat;

import dev.headroom.core.time.ManualTimeSource;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class OutageTest {

  private final ManualTimeSource time =
      ManualTimeSource.startingAt(Instant.parse("2026-03-01T10:00:00Z"));
  private final Outage outage = new Outage("queue 'jobs'", time);

  @Test
  void nothingIsOpenUntilACallFails() {
    outage.available();
    assertThat(outage.isUnavailable()).isFalse();
    assertThat(outage.since()).isNull();
    assertThat(outage.lastError()).isNull();
    Map<String, Object> details = new LinkedHashMap<>();
    outage.addTo(details);
    assertThat(details).isEmpty();
  }

  @Test
  void anOutageIsDatedByItsFirstFailureAndKeepsTheLastError() {
    outage.unavailable(new IOException("connection refused"));
    time.advance(Duration.ofSeconds(5));
    outage.unavailable(new IllegalStateException("not connected"));

    assertThat(outage.isUnavailable()).isTrue();
    assertThat(outage.since()).isEqualTo(Instant.parse("2026-03-01T10:00:00Z"));
    assertThat(outage.lastError()).isEqualTo("IllegalStateException: not connected");
    Map<String, Object> details = new LinkedHashMap<>();
    outage.addTo(details);
    assertThat(details)
        .containsExactly(
            Map.entry("unavailableSince", "2026-03-01T10:00:00Z"),
            Map.entry("lastError", "IllegalStateException: not connected"));
  }

  @Test
  void aSuccessEndsTheOutageAndTheNextFailureOpensANewOne() {
    outage.unavailable(new IOException("down"));
    time.advance(Duration.ofSeconds(30));
    outage.available();

    assertThat(outage.isUnavailable()).isFalse();
    assertThat(outage.since()).isNull();
    assertThat(outage.lastError()).isNull();

    time.advance(Duration.ofSeconds(30));
    outage.unavailable(new IOException("down again"));
    assertThat(outage.since()).isEqualTo(Instant.parse("2026-03-01T10:01:00Z"));
    assertThat(outage.lastError()).isEqualTo("IOException: down again");
  }
}
