package dev.headroom.spring.boot;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;
import org.springframework.http.server.PathContainer;
import org.springframework.web.util.pattern.PathPattern;
import org.springframework.web.util.pattern.PathPatternParser;

/**
 * The rules of {@code headroom.ratelimit.rules}, validated and compiled once, and the request key
 * of a rule: what the servlet filter and the WebFlux filter share, so both apply the same rules in
 * the same way. Immutable and thread-safe.
 */
final class RateLimitRules {

  private final List<Rule> rules;

  private RateLimitRules(List<Rule> rules) {
    this.rules = List.copyOf(rules);
  }

  /**
   * Compiles {@code rules}; a rule naming an unknown policy, a bad path pattern or {@code
   * key=header} without a header fails with the property name.
   */
  static RateLimitRules compile(
      HeadroomRateLimits limits, List<HeadroomRateLimitProperties.Rule> rules) {
    List<Rule> compiled = new ArrayList<>();
    for (int i = 0; i < rules.size(); i++) {
      compiled.add(Rule.of(i, rules.get(i), limits));
    }
    return new RateLimitRules(compiled);
  }

  boolean isEmpty() {
    return rules.isEmpty();
  }

  /** The rules that apply to a request, in declaration order. */
  List<Rule> matching(PathContainer pathWithinApplication, String method) {
    String m = method.toUpperCase(Locale.ROOT);
    List<Rule> out = new ArrayList<>(2);
    for (Rule rule : rules) {
      if (rule.matches(pathWithinApplication, m)) {
        out.add(rule);
      }
    }
    return out;
  }

  /** Whether any rule counts requests by principal (the WebFlux filter then resolves it). */
  boolean anyByPrincipal() {
    return rules.stream().anyMatch(r -> r.key() == RateLimitKey.PRINCIPAL);
  }

  /**
   * The key a request counts under: {@code user:<name>}, {@code header:<value>} or {@code
   * ip:<client address>}, the client address standing in when the principal or header is absent.
   */
  static String key(
      RateLimitKey kind,
      @Nullable String headerName,
      @Nullable String principal,
      Function<String, @Nullable String> header,
      Supplier<String> clientIp) {
    if (kind == RateLimitKey.PRINCIPAL) {
      if (principal != null) {
        return "user:" + principal;
      }
    } else if (kind == RateLimitKey.HEADER && headerName != null && !headerName.isEmpty()) {
      String value = header.apply(headerName);
      if (value != null && !value.isBlank()) {
        return "header:" + value.trim();
      }
    }
    return "ip:" + clientIp.get();
  }

  /** One compiled rule. */
  record Rule(
      String policy,
      List<PathPattern> paths,
      Set<String> methods,
      RateLimitKey key,
      @Nullable String header) {

    static Rule of(int index, HeadroomRateLimitProperties.Rule rule, HeadroomRateLimits limits) {
      String p = "headroom.ratelimit.rules[" + index + "].";
      try {
        limits.limiter(rule.getPolicy());
      } catch (IllegalArgumentException e) {
        throw Props.invalid(p + "policy", rule.getPolicy(), e.getMessage());
      }
      if (rule.getKey() == RateLimitKey.HEADER
          && (rule.getHeader() == null || rule.getHeader().isBlank())) {
        throw Props.invalid(p + "header", rule.getHeader(), "must name a header when key=header");
      }
      List<PathPattern> patterns = new ArrayList<>();
      for (String path : rule.getPaths()) {
        try {
          patterns.add(PathPatternParser.defaultInstance.parse(path));
        } catch (RuntimeException e) {
          throw Props.invalid(p + "paths", path, e.getMessage());
        }
      }
      Set<String> methods =
          rule.getMethods().stream()
              .map(m -> m.trim().toUpperCase(Locale.ROOT))
              .collect(Collectors.toUnmodifiableSet());
      return new Rule(
          rule.getPolicy(), List.copyOf(patterns), methods, rule.getKey(), rule.getHeader());
    }

    boolean matches(PathContainer path, String method) {
      if (!methods.isEmpty() && !methods.contains(method)) {
        return false;
      }
      if (paths.isEmpty()) {
        return true;
      }
      for (PathPattern pattern : paths) {
        if (pattern.matches(path)) {
          return true;
        }
      }
      return false;
    }
  }
}
