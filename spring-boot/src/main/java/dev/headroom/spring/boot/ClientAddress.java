package dev.headroom.spring.boot;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * The client address of a request: the peer, unless the peer is a trusted proxy, in which case the
 * X-Forwarded-For (or Forwarded) chain is walked from the right, past the trusted proxies, to the
 * first address that is not one. Headers from untrusted peers are ignored, so a client cannot pick
 * its own key. Only literal addresses are parsed; nothing is looked up in DNS.
 */
public final class ClientAddress {

  private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");

  private final List<Range> trusted;

  /** Trusts the given addresses and CIDR ranges ({@code 10.0.0.0/8}, {@code ::1}). */
  public ClientAddress(List<String> trustedProxies) {
    List<Range> ranges = new ArrayList<>();
    for (int i = 0; i < trustedProxies.size(); i++) {
      String spec = trustedProxies.get(i).trim();
      Range r = Range.parse(spec);
      if (r == null) {
        throw Props.invalid(
            "headroom.ratelimit.trusted-proxies[" + i + "]",
            spec,
            "must be an IP address or a CIDR range such as 10.0.0.0/8");
      }
      ranges.add(r);
    }
    this.trusted = List.copyOf(ranges);
  }

  /**
   * The client address given the peer address and the X-Forwarded-For and Forwarded header values
   * (all occurrences, in order; null or empty when absent).
   */
  public String resolve(
      String peer, @Nullable List<String> xForwardedFor, @Nullable List<String> forwarded) {
    if (trusted.isEmpty() || !isTrusted(peer)) {
      return peer;
    }
    List<String> chain = new ArrayList<>();
    if (forwarded != null && !forwarded.isEmpty()) {
      for (String header : forwarded) {
        for (String element : split(header, ',')) {
          for (String pair : split(element, ';')) {
            String p = pair.trim();
            if (p.toLowerCase(Locale.ROOT).startsWith("for=")) {
              chain.add(stripForwarded(p.substring(4)));
            }
          }
        }
      }
    } else if (xForwardedFor != null) {
      for (String header : xForwardedFor) {
        for (String part : split(header, ',')) {
          if (!part.isBlank()) {
            chain.add(part.trim());
          }
        }
      }
    }
    for (int i = chain.size() - 1; i >= 0; i--) {
      if (!isTrusted(chain.get(i))) {
        return chain.get(i);
      }
    }
    return chain.isEmpty() ? peer : chain.get(0);
  }

  private static List<String> split(String s, char separator) {
    List<String> parts = new ArrayList<>();
    int start = 0;
    for (int i = 0; i <= s.length(); i++) {
      if (i == s.length() || s.charAt(i) == separator) {
        parts.add(s.substring(start, i));
        start = i + 1;
      }
    }
    return parts;
  }

  private static String stripForwarded(String value) {
    String v = value.trim();
    if (v.startsWith("\"") && v.endsWith("\"") && v.length() >= 2) {
      v = v.substring(1, v.length() - 1);
    }
    if (v.startsWith("[")) {
      int end = v.indexOf(']');
      return end > 0 ? v.substring(1, end) : v;
    }
    int colon = v.indexOf(':');
    if (colon > 0 && v.indexOf(':', colon + 1) < 0) {
      return v.substring(0, colon); // IPv4 with a port
    }
    return v;
  }

  boolean isTrusted(String address) {
    byte[] bytes = literal(address);
    if (bytes == null) {
      return false;
    }
    for (Range r : trusted) {
      if (r.contains(bytes)) {
        return true;
      }
    }
    return false;
  }

  static byte @Nullable [] literal(String address) {
    String a = address.trim();
    boolean v4 = IPV4.matcher(a).matches();
    boolean v6 = !v4 && a.indexOf(':') >= 0 && a.matches("[0-9a-fA-F:.%a-zA-Z]+");
    if (!v4 && !v6) {
      return null;
    }
    try {
      return InetAddress.getByName(a).getAddress();
    } catch (UnknownHostException | SecurityException e) {
      return null;
    }
  }

  private static final class Range {

    private final byte[] network;
    private final int prefix;

    Range(byte[] network, int prefix) {
      this.network = network;
      this.prefix = prefix;
    }

    static @Nullable Range parse(String spec) {
      int slash = spec.indexOf('/');
      byte[] addr = literal(slash < 0 ? spec : spec.substring(0, slash));
      if (addr == null) {
        return null;
      }
      int prefix = addr.length * 8;
      if (slash >= 0) {
        try {
          prefix = Integer.parseInt(spec.substring(slash + 1));
        } catch (NumberFormatException e) {
          return null;
        }
        if (prefix < 0 || prefix > addr.length * 8) {
          return null;
        }
      }
      return new Range(addr, prefix);
    }

    boolean contains(byte[] address) {
      if (address.length != network.length) {
        return false;
      }
      int full = prefix / 8;
      for (int i = 0; i < full; i++) {
        if (address[i] != network[i]) {
          return false;
        }
      }
      int rest = prefix % 8;
      if (rest == 0) {
        return true;
      }
      int mask = (0xFF << (8 - rest)) & 0xFF;
      return (address[full] & mask) == (network[full] & mask);
    }
  }
}
