package dev.headroom.core.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Every failure names the field, the rule and the value: "<field> must <rule>, was <value>". */
class RequireTest {

  @Test
  void answersTheValueWhenItPasses() {
    assertThat(Require.nonNull("name", "a")).isEqualTo("a");
    assertThat(Require.positive("size", 1)).isEqualTo(1);
    assertThat(Require.positive("size", 1L)).isEqualTo(1L);
    assertThat(Require.nonNegative("retries", 0)).isZero();
    assertThat(Require.nonNegative("retries", 0L)).isZero();
    assertThat(Require.atLeast("workers", 2, 2)).isEqualTo(2);
    assertThat(Require.inRange("percent", 100, 0, 100)).isEqualTo(100);
    assertThat(Require.inRange("ratio", 0.5, 0.0, 1.0)).isEqualTo(0.5);
    assertThat(Require.positive("ttl", Duration.ofMillis(1))).isEqualTo(Duration.ofMillis(1));
    assertThat(Require.nonNegative("delay", Duration.ZERO)).isEqualTo(Duration.ZERO);
    assertThat(Require.notBlank("name", " a ")).isEqualTo(" a ");
    Require.that(true, "maxSize", 1, "be at least minSize");
  }

  @Test
  void aMissingValueIsANullPointerExceptionNamingTheField() {
    assertThatThrownBy(() -> Require.nonNull("name", null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("name must not be null");
    assertThatThrownBy(() -> Require.positive("ttl", (Duration) null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("ttl must not be null");
    assertThatThrownBy(() -> Require.nonNegative("delay", (Duration) null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("delay must not be null");
    assertThatThrownBy(() -> Require.notBlank("name", null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("name must not be null");
  }

  @Test
  void numbersOutOfBoundsNameFieldRuleAndValue() {
    assertFails(
        () -> Require.positive("maxBatchSize", 0), "maxBatchSize must be at least 1, was 0");
    assertFails(() -> Require.positive("capacity", -5L), "capacity must be at least 1, was -5");
    assertFails(() -> Require.nonNegative("retries", -1), "retries must be at least 0, was -1");
    assertFails(() -> Require.nonNegative("offset", -1L), "offset must be at least 0, was -1");
    assertFails(() -> Require.atLeast("workers", 1, 2), "workers must be at least 2, was 1");
    assertFails(
        () -> Require.inRange("percent", 101, 0, 100),
        "percent must be between 0 and 100, was 101");
    assertFails(
        () -> Require.inRange("percent", -1, 0, 100), "percent must be between 0 and 100, was -1");
    assertFails(
        () -> Require.inRange("ratio", 1.5, 0.0, 1.0),
        "ratio must be between 0.0 and 1.0, was 1.5");
    assertFails(
        () -> Require.inRange("ratio", Double.NaN, 0.0, 1.0),
        "ratio must be between 0.0 and 1.0, was NaN");
  }

  @Test
  void durationsAndStringsNameFieldRuleAndValue() {
    assertFails(() -> Require.positive("ttl", Duration.ZERO), "ttl must be positive, was PT0S");
    assertFails(
        () -> Require.positive("ttl", Duration.ofSeconds(-1)), "ttl must be positive, was PT-1S");
    assertFails(
        () -> Require.nonNegative("delay", Duration.ofMillis(-1)),
        "delay must not be negative, was PT-0.001S");
    assertFails(() -> Require.notBlank("name", " "), "name must not be blank, was ' '");
  }

  @Test
  void thatAndFailSayTheGivenRule() {
    assertFails(
        () -> Require.that(false, "maxSize", 3, "be at least minSize (5)"),
        "maxSize must be at least minSize (5), was 3");
    assertThat(Require.fail("mode", null, "be set")).hasMessage("mode must be set, was null");
  }

  private static void assertFails(Runnable check, String message) {
    assertThatThrownBy(check::run).isInstanceOf(IllegalArgumentException.class).hasMessage(message);
  }
}
