package dev.headroom.testkit.core;

import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** Records what a pub/sub connection receives, as {@code channel=message}, for tests to await. */
final class ReceivedMessages extends RedisPubSubAdapter<String, String> {

  private final List<String> received = new CopyOnWriteArrayList<>();

  static ReceivedMessages subscribe(
      StatefulRedisPubSubConnection<String, String> connection, String channel) {
    ReceivedMessages messages = new ReceivedMessages();
    connection.addListener(messages);
    connection.sync().subscribe(channel);
    return messages;
  }

  @Override
  public void message(String channel, String message) {
    received.add(channel + "=" + message);
  }

  boolean contains(String channel, String message) {
    return received.contains(channel + "=" + message);
  }
}
