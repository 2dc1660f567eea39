package dev.headroom.cache.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.headroom.core.redis.RedisConnector;
import dev.headroom.core.time.ManualTimeSource;
import dev.headroom.testkit.RedisExtension;
import dev.headroom.testkit.TestRedis;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The invalidation channel on its own: numbering, gaps, own messages, and delivery through Redis.
 */
@ExtendWith(RedisExtension.class)
class InvalidationChannelTest {

  private final ManualTimeSource time = ManualTimeSource.create();
  private final List<InvalidationChannel> opened = new ArrayList<>();

  /** What a receiver heard: "KEYS a,b", "PREFIX user:", "lost: ...". */
  private static final class Heard implements InvalidationChannel.Receiver {
    final List<String> events = new CopyOnWriteArrayList<>();

    @Override
    public void onMessage(Invalidation m) {
      events.add(
          m.op()
              + " "
              + (m.op() == Invalidation.Op.KEYS ? String.join(",", m.keys()) : m.prefix()));
    }

    @Override
    public void onStateLost(String reason) {
      events.add("lost: " + reason);
    }

    @Override
    public void onChannelDown() {
      events.add("down");
    }
  }

  private InvalidationChannel channel(
      RedisConnector connector, String name, RedisCalls calls, Heard heard) {
    InvalidationChannel c =
        new InvalidationChannel(
            connector, name, "users", calls, time, Duration.ofSeconds(1), heard);
    opened.add(c);
    return c;
  }

  private RedisCalls calls() {
    return new RedisCalls(
        "users",
        Duration.ofSeconds(1),
        1,
        Duration.ofSeconds(1),
        time,
        new CircuitBreaker.Listener() {
          @Override
          public void onOpen() {}

          @Override
          public void onClose() {}
        });
  }

  @AfterEach
  void close() {
    opened.forEach(InvalidationChannel::close);
  }

  @Test
  void messagesInSequenceReachTheReceiverAndASkippedNumberIsLostState(
      RedisConnector connector, TestRedis redis) {
    Heard heard = new Heard();
    InvalidationChannel c = channel(connector, redis.keyPrefix() + ":events", calls(), heard);
    c.receive(new Invalidation("other", 1, Invalidation.Op.KEYS, List.of("a", "b"), "").encode());
    c.receive(new Invalidation("other", 2, Invalidation.Op.PREFIX, List.of(), "user:").encode());
    c.receive(new Invalidation("other", 5, Invalidation.Op.CLEAR, List.of(), "").encode());
    c.receive(new Invalidation("other", 6, Invalidation.Op.CLEAR, List.of(), "").encode());
    c.receive("not a message");
    assertThat(heard.events)
        .containsExactly(
            "KEYS a,b",
            "PREFIX user:",
            "lost: messages 3..4 from publisher other were missed",
            "CLEAR ",
            "lost: an unreadable invalidation message");
    assertThat(c.received()).isEqualTo(4);
  }

  @Test
  void aProcessHearsTheOthersThroughRedisButNotItself(RedisConnector connector, TestRedis redis) {
    String name = redis.keyPrefix() + ":events";
    Heard a = new Heard();
    Heard b = new Heard();
    InvalidationChannel sender = channel(connector, name, calls(), a);
    InvalidationChannel receiver = channel(connector, name, calls(), b);
    sender.subscribe();
    receiver.subscribe();
    assertThat(sender.subscribed()).isTrue();
    sender.publishKeys(List.of("k")).join();
    await().atMost(Duration.ofSeconds(5)).until(() -> b.events.size() == 1);
    assertThat(b.events).containsExactly("KEYS k");
    assertThat(a.events).as("its own messages are ignored").isEmpty();
    assertThat(sender.sent()).isEqualTo(1);
  }

  @Test
  void aMessageTheBreakerKeptBackStillTakesANumberSoReceiversSeeTheGap(
      RedisConnector connector, TestRedis redis) {
    String name = redis.keyPrefix() + ":events";
    RedisCalls senderCalls = calls();
    Heard b = new Heard();
    InvalidationChannel sender = channel(connector, name, senderCalls, new Heard());
    InvalidationChannel receiver = channel(connector, name, calls(), b);
    receiver.subscribe();
    sender.publishKeys(List.of("one")).join();
    senderCalls.timedOut();
    sender.publishKeys(List.of("lost")).join();
    time.advance(Duration.ofSeconds(1));
    sender.publishKeys(List.of("three")).join();
    await().atMost(Duration.ofSeconds(5)).until(() -> b.events.size() == 2);
    assertThat(b.events.get(0)).isEqualTo("KEYS one");
    assertThat(b.events.get(1))
        .startsWith("lost: messages 2..2 from publisher ")
        .endsWith(" were missed");
  }

  @Test
  void manyKeysGoInMessagesOfAtMostAThousand(RedisConnector connector, TestRedis redis) {
    String name = redis.keyPrefix() + ":events";
    Heard b = new Heard();
    InvalidationChannel sender = channel(connector, name, calls(), new Heard());
    InvalidationChannel receiver = channel(connector, name, calls(), b);
    receiver.subscribe();
    sender.publishKeys(IntStream.range(0, 2500).mapToObj(i -> "k" + i).toList()).join();
    await().atMost(Duration.ofSeconds(5)).until(() -> b.events.size() == 3);
    assertThat(sender.sent()).isEqualTo(3);
  }
}
