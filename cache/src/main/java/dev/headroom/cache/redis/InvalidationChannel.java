package dev.headroom.cache.redis;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.headroom.core.redis.RedisConnector;
import dev.headroom.core.time.Cancellable;
import dev.headroom.core.time.TimeSource;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/*
 * Cross-process invalidation (pub/sub rather than client-side tracking): tracking needs RESP3 and
 * a per-connection redirect on every node, is not supported through Lettuce's cluster client, and
 * cannot express "every key under a prefix" or "clear" without broadcasting anyway. A channel per
 * cache carries messages "1|publisher|sequence|op|body" (Invalidation). The publisher numbers
 * every message it tries to send (under a lock, so numbers go out in order on the one connection),
 * even one the breaker keeps from being sent; a receiver ignores its own messages, and when a
 * publisher's number skips (a message was lost because Redis was down for the publisher) it
 * reports lost state, and the cache clears its L1. The same happens when the subscription is
 * re-established after a disconnect (messages sent meanwhile are lost), and for a message it
 * cannot read.
 */

/**
 * The invalidation channel of one cache: publishes numbered messages and hands the messages of
 * other processes to a {@link Receiver}, reporting lost state when a sequence number skips or the
 * subscription was re-established. Subscribes in the background, retrying while Redis is down.
 * Never throws because of Redis. Thread-safe.
 */
final class InvalidationChannel implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(InvalidationChannel.class);
  static final int MAX_KEYS_PER_MESSAGE = 1000;

  /** What the channel tells its tier. */
  interface Receiver {
    /** Another process invalidated something. Called on a Redis I/O thread: be quick. */
    void onMessage(Invalidation message);

    /** Messages may have been missed. */
    void onStateLost(String reason);

    /**
     * The channel's connection was seen closed: no message arrives until the re-subscription (which
     * reports lost state). Called on the thread that noticed it: be quick.
     */
    void onChannelDown();
  }

  private final RedisConnector connector;
  private final String channel;
  private final String cacheName;
  private final RedisCalls calls;
  private final TimeSource time;
  private final Duration retryDelay;
  private final Receiver receiver;
  private final String publisherId = UUID.randomUUID().toString();
  private final Object publishLock = new Object();
  private long sequence;
  private final Cache<String, Long> lastSequence =
      Caffeine.newBuilder().maximumSize(10_000).expireAfterAccess(Duration.ofHours(1)).build();
  private final AtomicInteger subscriptions = new AtomicInteger();
  private final LongAdder sent = new LongAdder();
  private final LongAdder received = new LongAdder();
  private volatile @Nullable StatefulRedisPubSubConnection<String, String> pubsub;
  private volatile @Nullable Cancellable retry;

  /**
   * Whether Redis has confirmed the subscription on the current connection: set by each
   * confirmation, cleared when the connection is seen closed (it reconnects and re-subscribes by
   * itself; messages sent meanwhile are lost).
   */
  private volatile boolean confirmed;

  private volatile boolean closed;

  InvalidationChannel(
      RedisConnector connector,
      String channel,
      String cacheName,
      RedisCalls calls,
      TimeSource time,
      Duration retryDelay,
      Receiver receiver) {
    this.connector = connector;
    this.channel = channel;
    this.cacheName = cacheName;
    this.calls = calls;
    this.time = time;
    this.retryDelay = retryDelay;
    this.receiver = receiver;
  }

  /**
   * Tells other processes to drop {@code keys}, in messages of at most {@value
   * #MAX_KEYS_PER_MESSAGE} keys.
   */
  CompletableFuture<Boolean> publishKeys(List<String> keys) {
    if (keys.size() <= MAX_KEYS_PER_MESSAGE) {
      return publish(Invalidation.Op.KEYS, keys, "");
    }
    List<CompletableFuture<Boolean>> parts = new ArrayList<>();
    for (int i = 0; i < keys.size(); i += MAX_KEYS_PER_MESSAGE) {
      parts.add(
          publish(
              Invalidation.Op.KEYS,
              keys.subList(i, Math.min(keys.size(), i + MAX_KEYS_PER_MESSAGE)),
              ""));
    }
    return CompletableFuture.allOf(parts.toArray(CompletableFuture[]::new))
        .thenApply(x -> parts.stream().allMatch(CompletableFuture::join));
  }

  /**
   * Publishes one message; completes when Redis answered (never exceptionally): true if Redis took
   * it, false if it was not sent (breaker open) or failed.
   */
  CompletableFuture<Boolean> publish(Invalidation.Op op, List<String> keys, String prefix) {
    CompletableFuture<Long> f;
    synchronized (publishLock) {
      // Numbered even when not sent: receivers then see a gap and clear their L1.
      long seq = ++sequence;
      if (!calls.allow()) {
        return CompletableFuture.completedFuture(false);
      }
      String message = new Invalidation(publisherId, seq, op, keys, prefix).encode();
      try {
        f = connector.async().publish(channel, message).toCompletableFuture();
      } catch (RuntimeException e) {
        f = CompletableFuture.failedFuture(e);
      }
    }
    return f.handle(
        (r, t) -> {
          calls.record(t);
          if (t == null) {
            sent.increment();
          }
          return t == null;
        });
  }

  /** Handles one message read from the channel. */
  void receive(String text) {
    Invalidation m;
    try {
      m = Invalidation.decode(text);
    } catch (IllegalArgumentException e) {
      log.warn("cache '{}': {}", cacheName, e.getMessage());
      receiver.onStateLost("an unreadable invalidation message");
      return;
    }
    if (m.publisher().equals(publisherId)) {
      return;
    }
    received.increment();
    Long last = lastSequence.getIfPresent(m.publisher());
    if (last == null || m.sequence() > last) {
      lastSequence.put(m.publisher(), m.sequence());
    }
    if (last != null && m.sequence() > last + 1) {
      receiver.onStateLost(
          "messages "
              + (last + 1)
              + ".."
              + (m.sequence() - 1)
              + " from publisher "
              + m.publisher()
              + " were missed");
      return;
    }
    receiver.onMessage(m);
  }

  /** Subscribes now, or schedules a retry on the time source if Redis does not answer. */
  void subscribe() {
    if (closed) {
      return;
    }
    try {
      StatefulRedisPubSubConnection<String, String> c = connector.connectPubSub();
      c.addListener(
          new RedisPubSubAdapter<>() {
            @Override
            public void message(String ch, String message) {
              if (channel.equals(ch)) {
                receive(message);
              }
            }

            @Override
            public void subscribed(String ch, long count) {
              // The first confirmation is the initial subscription; later ones follow a reconnect,
              // after which messages sent while disconnected are lost.
              if (!channel.equals(ch)) {
                return;
              }
              if (subscriptions.incrementAndGet() > 1) {
                receiver.onStateLost(
                    "the invalidation channel was re-subscribed after a disconnect");
              }
              // After the state was reported lost: L1 is clear before it is trusted again.
              confirmed = true;
            }
          });
      try {
        c.async()
            .subscribe(channel)
            .get(connector.options().commandTimeout().toMillis(), TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        c.close();
        return;
      } catch (ExecutionException | TimeoutException e) {
        c.close();
        throw new IllegalStateException(e.getCause() == null ? e : e.getCause());
      }
      confirmed = true;
      pubsub = c;
      if (closed) {
        c.close();
      }
    } catch (RuntimeException e) {
      calls.unavailable(new IllegalStateException("subscribe: " + e.getMessage(), e));
      log.debug("cache '{}': could not subscribe to {} yet", cacheName, channel, e);
      // The timer only hands the retry over: subscribing blocks for up to the command timeout.
      retry = time.schedule(() -> Retries.THREAD.execute(this::subscribe), retryDelay);
    }
  }

  /**
   * Whether the channel is subscribed now: a connection is open and Redis confirmed the
   * subscription on it. False from the moment the connection is seen closed until the confirmation
   * of the re-subscription, which reports lost state first. Three volatile reads.
   */
  boolean subscribed() {
    StatefulRedisPubSubConnection<String, String> c = pubsub;
    if (c == null) {
      return false;
    }
    if (!c.isOpen()) {
      if (confirmed) {
        confirmed = false;
        receiver.onChannelDown();
      }
      return false;
    }
    return confirmed;
  }

  /** The channel's name. */
  String name() {
    return channel;
  }

  long sent() {
    return sent.sum();
  }

  long received() {
    return received.sum();
  }

  /** One daemon thread, shared by all channels, for subscription retries (they block). */
  private static final class Retries {
    static final ExecutorService THREAD =
        Executors.newSingleThreadExecutor(
            r -> {
              Thread t = new Thread(r, "headroom-cache-retry");
              t.setDaemon(true);
              return t;
            });
  }

  /** Unsubscribes and stops retrying. */
  @Override
  public void close() {
    closed = true;
    Cancellable r = retry;
    if (r != null) {
      r.cancel();
    }
    StatefulRedisPubSubConnection<String, String> c = pubsub;
    pubsub = null;
    if (c != null) {
      // Nothing waits for the close: the channel is gone for this cache either way.
      var unused = c.closeAsync();
    }
  }
}
