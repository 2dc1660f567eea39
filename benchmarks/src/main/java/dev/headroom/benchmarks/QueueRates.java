package dev.headroom.benchmarks;

import java.util.Comparator;
import java.util.List;

/** Jobs per second for a bulk add and for processing, as the queue throughput runs report them. */
record QueueRates(double add, double process) {

  /** The median of each rate over the rounds (the upper one for an even count). */
  static QueueRates median(List<QueueRates> rounds) {
    return new QueueRates(
        median(rounds, Comparator.comparingDouble(QueueRates::add)).add(),
        median(rounds, Comparator.comparingDouble(QueueRates::process)).process());
  }

  private static QueueRates median(List<QueueRates> rounds, Comparator<QueueRates> order) {
    return rounds.stream().sorted(order).toList().get(rounds.size() / 2);
  }
}
