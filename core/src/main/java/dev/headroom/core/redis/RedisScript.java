package dev.headroom.core.redis;

import io.lettuce.core.RedisNoScriptException;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * A Lua script, loaded once from the classpath and run by {@code EVALSHA}.
 *
 * <p>The SHA-1 digest is computed locally, so the common path is a single {@code EVALSHA} round
 * trip. When a server answers {@code NOSCRIPT} (after a restart, a failover, {@code SCRIPT FLUSH},
 * or on a Cluster node that has not seen the script yet) the call is repeated once as {@code EVAL}
 * with the body, which also caches the script on that server; later calls are {@code EVALSHA}
 * again. {@code EVAL} is routed like {@code EVALSHA} (by the first key's slot), so this works the
 * same on standalone, Sentinel and Cluster. Scripts must declare every key they touch in {@code
 * KEYS}, and on a Cluster all keys of one call must share a hash tag. Immutable and thread-safe.
 */
public final class RedisScript {

  private final String name;
  private final String body;
  private final String sha1;

  private RedisScript(String name, String body) {
    this.name = name;
    this.body = body;
    this.sha1 = sha1Hex(body);
  }

  /** A script from source text; {@code name} is for messages. */
  public static RedisScript of(String name, String body) {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(body, "body");
    if (body.isBlank()) {
      throw new IllegalArgumentException("script '" + name + "' is empty");
    }
    return new RedisScript(name, body);
  }

  /**
   * A script from a classpath resource, resolved like {@link Class#getResourceAsStream(String)}:
   * relative to {@code anchor}'s package, or absolute with a leading {@code '/'}.
   *
   * @throws IllegalArgumentException if the resource does not exist
   */
  public static RedisScript fromClasspath(Class<?> anchor, String resource) {
    return of(resource, read(anchor, resource));
  }

  /**
   * One script made of several classpath resources joined in order, for code that several scripts
   * share (Redis has no includes): {@code fromClasspath(A.class, "prelude.lua", "algo.lua")}. The
   * parts run as one script, with one SHA-1, in one round trip.
   *
   * @throws IllegalArgumentException if a resource does not exist
   */
  public static RedisScript fromClasspath(Class<?> anchor, String first, String... more) {
    StringBuilder name = new StringBuilder(first);
    StringBuilder body = new StringBuilder(read(anchor, first));
    for (String resource : more) {
      name.append('+').append(resource);
      body.append('\n').append(read(anchor, resource));
    }
    return of(name.toString(), body.toString());
  }

  private static String read(Class<?> anchor, String resource) {
    try (InputStream in = anchor.getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalArgumentException(
            "Lua script '"
                + resource
                + "' not found on the classpath relative to "
                + anchor.getPackageName());
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("could not read Lua script '" + resource + "'", e);
    }
  }

  /** The name given when loaded (the resource path for classpath scripts). */
  public String name() {
    return name;
  }

  /** The script source. */
  public String body() {
    return body;
  }

  /** The SHA-1 digest that {@code EVALSHA} uses, in lowercase hex. */
  public String sha1() {
    return sha1;
  }

  /**
   * Runs the script on {@code commands} with the given keys and arguments.
   *
   * @param type how to decode the reply ({@code INTEGER} gives {@code Long}, {@code MULTI} a {@code
   *     List<Object>}, {@code VALUE} a {@code V}, {@code STATUS} a {@code String})
   * @return the reply; fails with Lettuce's exception when the script raises an error, and with the
   *     connection's exception when Redis is unreachable
   */
  public <V, T> CompletableFuture<T> execute(
      RedisClusterAsyncCommands<String, V> commands,
      ScriptOutputType type,
      String[] keys,
      V[] args) {
    CompletableFuture<T> first = commands.<T>evalsha(sha1, type, keys, args).toCompletableFuture();
    return first.exceptionallyCompose(
        failure -> {
          if (unwrap(failure) instanceof RedisNoScriptException) {
            return commands.<T>eval(body, type, keys, args);
          }
          return CompletableFuture.failedStage(failure);
        });
  }

  /**
   * Runs the script on the connector's shared String connection. Never throws: an unavailable Redis
   * fails the returned future with {@link RedisUnavailableException}.
   */
  public <T> CompletableFuture<T> execute(
      RedisConnector connector, ScriptOutputType type, String[] keys, String... args) {
    try {
      return execute(connector.async(), type, keys, args);
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  /** Runs the script on the connector's shared binary connection (byte[] arguments and values). */
  public <T> CompletableFuture<T> executeBinary(
      RedisConnector connector, ScriptOutputType type, String[] keys, byte[]... args) {
    try {
      return execute(connector.binaryAsync(), type, keys, args);
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  private static Throwable unwrap(Throwable t) {
    Throwable cur = t;
    while (cur instanceof CompletionException && cur.getCause() != null) {
      cur = cur.getCause();
    }
    return cur;
  }

  private static String sha1Hex(String body) {
    try {
      MessageDigest md = MessageDigest.getInstance("SHA-1");
      return HexFormat.of().formatHex(md.digest(body.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-1 is required of every Java platform", e);
    }
  }

  @Override
  public String toString() {
    return "RedisScript[" + name + ", sha1=" + sha1 + "]";
  }
}
