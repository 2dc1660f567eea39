package dev.headroom.queue;

/**
 * Hears the events of every job of a queue, whatever process ran it; see {@link
 * JobQueue#subscribe(QueueEventListener)}. Called on the subscription's own thread, one event at a
 * time and in order: keep it short. A thrown exception is logged and the next event is delivered.
 */
@FunctionalInterface
public interface QueueEventListener {

  /** One event. */
  void onEvent(QueueEvent event);
}
