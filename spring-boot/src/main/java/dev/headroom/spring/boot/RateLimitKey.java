package dev.headroom.spring.boot;

/** Whose requests a rate limit counts together. */
public enum RateLimitKey {
  /** The client address (X-Forwarded-For / Forwarded believed only from trusted proxies). */
  IP,
  /** The authenticated principal's name; the client address when there is none. */
  PRINCIPAL,
  /** The value of a request header (an API key); the client address when it is absent. */
  HEADER
}
