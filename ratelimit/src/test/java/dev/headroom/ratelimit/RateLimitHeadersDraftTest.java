package dev.headroom.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.junit.jupiter.api.Test;

/**
 * Renders the decisions that the examples of draft-ietf-httpapi-ratelimit-headers-11 describe and
 * compares the fields with the examples' own text (test resource {@code
 * draft-ietf-httpapi-ratelimit-headers-11.examples}), both in RFC 9651 canonical form.
 */
class RateLimitHeadersDraftTest {

  private static final Instant AT = Instant.parse("2019-08-05T09:27:00Z");

  private static Decision allowed(String limiter, Limit limit, long remaining, long resetSeconds) {
    return Decision.allowed(
        limiter, limit, remaining, Duration.ofSeconds(resetSeconds), AT, DecisionSource.LIMITER);
  }

  private static Decision denied(String limiter, Limit limit, long retrySeconds) {
    return Decision.denied(
        limiter,
        limit,
        0,
        Duration.ofSeconds(retrySeconds),
        Duration.ofSeconds(retrySeconds),
        AT,
        DecisionSource.LIMITER);
  }

  private static Limit limit(long q, long w) {
    return Limit.of(q, Duration.ofSeconds(w));
  }

  /** What Headroom renders for the situation each example describes. */
  private static Map<String, String> rendered(String section, int occurrence) {
    switch (section + "#" + occurrence) {
      case "3#1":
        return RateLimitHeaders.builder()
            .policy("burst", limit(100, 60))
            .policy("daily", limit(1000, 86400))
            .build()
            .render(allowed("x", limit(100, 60), 100, 0));
      case "3.2#1":
        return allowed("default", limit(100, 10), 100, 0).headers();
      case "3.2#2":
        return RateLimitHeaders.builder()
            .policy("permin", limit(50, 60))
            .policy("perhr", limit(1000, 3600))
            .build()
            .render(allowed("x", limit(50, 60), 50, 0));
      case "4.2#1":
        return allowed("default", limit(100, 60), 50, 30).headers();
      case "6#1":
        return allowed("problemPolicy", limit(10, 10), 0, 10).headers();
      case "7#1":
        return allowed("default", limit(10, 10), 1, 7).headers();
      case "8.5#1":
        return allowed("daily", limit(100, 86400), 1, 86400).headers();
      case "8.5#2", "8.5#3":
        return allowed("somepolicy", limit(10000, 1000), 10000, 10).headers();
      case "B.1.1#1":
        return allowed("default", limit(100, 60), 0, 50).headers();
      case "B.1.1#2":
        return allowed("default", limit(100, 60), 0, 48).headers();
      case "B.1.2#1":
        return allowed("dayLimit", limit(5000, 86400), 100, 36000).headers();
      case "B.1.3#1", "B.1.3#2":
        return allowed("basic", limit(100, 60), 60, 58).headers();
      case "B.1.3#3":
        return allowed("basic", limit(100, 60), 20, 56).headers();
      case "B.1.4#1":
        return denied("default", limit(100, 60), 5).headers();
      case "B.2.1#1", "B.2.1#2":
        return allowed("fixedwindow", limit(100, 60), 99, 50).headers();
      case "B.2.2#1", "B.2.2#2":
        return allowed("dynamic", limit(100, 60), 9, 50).headers();
      case "B.2.3#1", "B.2.3#2":
        return denied("dynamic", limit(15, 20), 20).headers();
      case "B.3.1#1", "B.3.1#2":
        {
          Limit hour = limit(1000, 3600);
          Limit day = limit(5000, 86400);
          return RateLimitHeaders.builder()
              .policy("hour", hour)
              .policy("day", day)
              .build()
              .render(allowed("api", day, 100, 36000));
        }
      case "FAQ-8#1":
        return allowed("default", limit(100, 60), 50, 60).headers();
      default:
        throw new AssertionError("no case for example " + section + " #" + occurrence);
    }
  }

  record Example(String section, int occurrence, String field, String value) {}

  static List<Example> examples() throws IOException {
    List<Example> examples = new ArrayList<>();
    Map<String, Integer> seen = new HashMap<>();
    try (InputStream in =
        RateLimitHeadersDraftTest.class.getResourceAsStream(
            "draft-ietf-httpapi-ratelimit-headers-11.examples")) {
      String text = new String(Objects.requireNonNull(in).readAllBytes(), StandardCharsets.UTF_8);
      for (String line : text.split("\n")) {
        if (line.isBlank() || line.startsWith("#")) {
          continue;
        }
        int space = line.indexOf(' ');
        int colon = line.indexOf(':');
        String section = line.substring(0, space);
        int occurrence = seen.merge(section, 1, Integer::sum);
        examples.add(
            new Example(
                section,
                occurrence,
                line.substring(space + 1, colon),
                line.substring(colon + 1).strip()));
      }
    }
    return examples;
  }

  @Test
  void everyExampleOfTheDraftIsRenderedByteForByteInCanonicalForm() throws IOException {
    List<Example> examples = examples();
    assertThat(examples).hasSize(25);
    for (Example e : examples) {
      Map<String, String> headers = rendered(e.section(), e.occurrence());
      assertThat(headers.get(e.field()))
          .as("section %s: %s: %s", e.section(), e.field(), e.value())
          .isEqualTo(StructuredFields.canonicalList(e.value()));
    }
  }

  @Test
  void aThrottledResponseCarriesRetryAfterEqualToTheEffectiveWindow() {
    // B.1.4: "the values of Retry-After and RateLimit header field reference the same moment"
    Map<String, String> headers = denied("default", limit(100, 60), 5).headers();
    assertThat(headers)
        .containsEntry("RateLimit", "\"default\";r=0;t=5")
        .containsEntry("Retry-After", "5");
  }

  /** A minimal RFC 9651 List parser and serializer for the items the draft's examples use. */
  static final class StructuredFields {
    private final String s;
    private int i;

    private StructuredFields(String s) {
      this.s = s;
    }

    /** Parses a List of Items (Strings, Integers, Tokens, Byte Sequences with parameters). */
    static String canonicalList(String field) {
      StructuredFields p = new StructuredFields(field);
      List<String> members = new ArrayList<>();
      p.skipSpaces();
      while (p.i < p.s.length()) {
        StringBuilder item = new StringBuilder(p.bareItem());
        while (p.i < p.s.length() && p.s.charAt(p.i) == ';') {
          p.i++;
          p.skipSpaces();
          String key = p.key();
          item.append(';').append(key);
          if (p.i < p.s.length() && p.s.charAt(p.i) == '=') {
            p.i++;
            item.append('=').append(p.bareItem());
          }
        }
        members.add(item.toString());
        p.skipSpaces();
        if (p.i < p.s.length()) {
          if (p.s.charAt(p.i) != ',') {
            throw new IllegalArgumentException("expected ',' at " + p.i + " in " + field);
          }
          p.i++;
          p.skipSpaces();
        }
      }
      return String.join(", ", members);
    }

    private void skipSpaces() {
      while (i < s.length() && (s.charAt(i) == ' ' || s.charAt(i) == '\t')) {
        i++;
      }
    }

    private String key() {
      int start = i;
      while (i < s.length()
          && "abcdefghijklmnopqrstuvwxyz0123456789_-.*".indexOf(s.charAt(i)) >= 0) {
        i++;
      }
      return s.substring(start, i);
    }

    private String bareItem() {
      int start = i;
      char c = s.charAt(i);
      if (c == '"') {
        i++;
        while (s.charAt(i) != '"') {
          i += s.charAt(i) == '\\' ? 2 : 1;
        }
        i++;
      } else if (c == ':') {
        i = s.indexOf(':', i + 1) + 1;
      } else if (c == '-' || Character.isDigit(c)) {
        i++;
        while (i < s.length() && Character.isDigit(s.charAt(i))) {
          i++;
        }
        return Long.toString(Long.parseLong(s.substring(start, i)));
      } else {
        while (i < s.length() && ",; \t".indexOf(s.charAt(i)) < 0) {
          i++;
        }
      }
      return s.substring(start, i);
    }
  }
}
