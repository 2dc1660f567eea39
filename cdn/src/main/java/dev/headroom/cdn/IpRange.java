package dev.headroom.cdn;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * An IP address or CIDR block, parsed from a literal only (never resolved through DNS). Its
 * canonical text always has a prefix length, such as {@code 192.0.2.0/24} or {@code 192.0.2.7/32},
 * the form CloudFront's {@code AWS:SourceIp} requires. Immutable.
 */
final class IpRange {

  private static final Pattern IPV4 =
      Pattern.compile(
          "(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)"
              + "(\\.(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)){3}");

  /**
   * Starts with a hex digit or ':' and holds a ':', so InetAddress parses it as a literal or fails.
   */
  private static final Pattern IPV6 = Pattern.compile("(?=[^:]*:)[0-9A-Fa-f:][0-9A-Fa-f:.]{1,44}");

  private final byte[] network;
  private final int prefixLength;
  private final String text;

  private IpRange(byte[] network, int prefixLength) {
    this.network = network;
    this.prefixLength = prefixLength;
    this.text = canonical(network) + "/" + prefixLength;
  }

  /**
   * Parses {@code 192.0.2.7}, {@code 192.0.2.0/24}, {@code 2001:db8::1} or {@code 2001:db8::/32};
   * host bits below the prefix are cleared.
   *
   * @throws IllegalArgumentException if it is not an IP literal with an optional valid prefix
   *     length
   */
  static IpRange parse(String field, String value) {
    int slash = value.indexOf('/');
    String address = slash < 0 ? value : value.substring(0, slash);
    byte[] bytes = literal(address);
    if (bytes == null) {
      throw new IllegalArgumentException(
          field
              + "='"
              + value
              + "' is rejected: expected an IPv4 or IPv6 address"
              + " with an optional prefix length, such as 192.0.2.7 or 192.0.2.0/24");
    }
    int max = bytes.length * 8;
    int prefix = max;
    if (slash >= 0) {
      String digits = value.substring(slash + 1);
      prefix = digits.matches("\\d{1,3}") ? Integer.parseInt(digits) : -1;
      if (prefix < 0 || prefix > max) {
        throw new IllegalArgumentException(
            field + "='" + value + "' is rejected: the prefix length must be 0 to " + max);
      }
    }
    for (int bit = prefix; bit < max; bit++) {
      bytes[bit / 8] &= (byte) ~(0x80 >> (bit % 8));
    }
    return new IpRange(bytes, prefix);
  }

  /**
   * Whether {@code address} (an IP literal) lies in this range; false for anything that is not a
   * literal.
   */
  boolean contains(String address) {
    byte[] bytes = literal(address);
    if (bytes == null || bytes.length != network.length) {
      return false;
    }
    for (int bit = 0; bit < prefixLength; bit++) {
      int mask = 0x80 >> (bit % 8);
      if ((bytes[bit / 8] & mask) != (network[bit / 8] & mask)) {
        return false;
      }
    }
    return true;
  }

  /** The canonical text, with a prefix length. */
  @Override
  public String toString() {
    return text;
  }

  /**
   * The text of an address: dotted quad for IPv4; for IPv6 the RFC 5952 section 4 form (lower-case
   * hex without leading zeros, the longest run of two or more zero groups, the first of equals,
   * shortened to {@code ::}), as the AWS SDK and Akamai's reference libraries write it.
   */
  static String canonical(byte[] address) {
    if (address.length == 4) {
      return (address[0] & 0xFF)
          + "."
          + (address[1] & 0xFF)
          + "."
          + (address[2] & 0xFF)
          + "."
          + (address[3] & 0xFF);
    }
    int[] groups = new int[8];
    for (int g = 0; g < 8; g++) {
      groups[g] = ((address[2 * g] & 0xFF) << 8) | (address[2 * g + 1] & 0xFF);
    }
    int bestStart = -1;
    int bestLength = 1;
    for (int g = 0; g < 8; ) {
      if (groups[g] != 0) {
        g++;
        continue;
      }
      int start = g;
      while (g < 8 && groups[g] == 0) {
        g++;
      }
      if (g - start > bestLength) {
        bestStart = start;
        bestLength = g - start;
      }
    }
    StringBuilder text = new StringBuilder(39);
    for (int g = 0; g < 8; g++) {
      if (g == bestStart) {
        text.append("::");
        g += bestLength - 1;
        continue;
      }
      if (text.length() > 0 && text.charAt(text.length() - 1) != ':') {
        text.append(':');
      }
      text.append(Integer.toHexString(groups[g]));
    }
    return text.toString();
  }

  private static byte @Nullable [] literal(String address) {
    if (!IPV4.matcher(address).matches() && !IPV6.matcher(address).matches()) {
      return null;
    }
    try {
      // A strict dotted quad, or hex/':'/'.' text that starts with a hex digit or ':' and holds a
      // ':':
      // InetAddress parses both as literals and throws for a bad one; it never looks them up.
      return InetAddress.getByName(address).getAddress();
    } catch (UnknownHostException e) {
      return null;
    }
  }
}
