package dev.headroom.cdn;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** IP text as signed: RFC 5952 section 4 for IPv6, with a prefix length. */
class IpRangeTest {

  @ParameterizedTest
  @CsvSource({
    "2001:0db8:0000:0000:0000:0000:0000:0001, 2001:db8::1/128",
    "2001:DB8::AB, 2001:db8::ab/128",
    // 4.2.2: a single zero group is not shortened
    "2001:db8:0:1:1:1:1:1, 2001:db8:0:1:1:1:1:1/128",
    // 4.2.3: the longest run; of equal runs, the first
    "2001:0:0:1:0:0:0:1, 2001:0:0:1::1/128",
    "2001:db8:0:0:1:0:0:1, 2001:db8::1:0:0:1/128",
    "::1, ::1/128",
    "::, ::/128",
    "fe80:0:0:0:0:0:0:0, fe80::/128",
    "2001:db8:1234:5678::/32, 2001:db8::/32",
    "::ffff:192.0.2.7, 192.0.2.7/32",
    "192.0.2.7, 192.0.2.7/32",
    "192.0.2.77/24, 192.0.2.0/24"
  })
  void canonicalText(String input, String expected) {
    assertThat(IpRange.parse("clientIp", input).toString()).isEqualTo(expected);
  }
}
