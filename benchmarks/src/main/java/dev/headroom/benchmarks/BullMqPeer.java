package dev.headroom.benchmarks;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Runs the BullMQ peer ({@code benchmarks/peers/bullmq/bench.mjs}) with Node.js on the same Redis
 * as the Java benchmarks and reads its result line. BullMQ is the queue most teams would pick
 * instead of Headroom's, and it has no JVM client, so it is measured as a separate process with the
 * same shape of work: add N jobs in bulk, then process them at a fixed concurrency.
 *
 * <p>Skipped, with a reason, when {@code node} is missing or its packages cannot be installed. The
 * directory is {@code benchmarks/peers/bullmq} relative to the working directory, or {@code
 * -Dheadroom.peers.dir=…/peers}.
 */
final class BullMqPeer {

  private static final Pattern RESULT =
      Pattern.compile("\\{\"peer\":\"bullmq\".*\"add\":(\\d+),\"process\":(\\d+)\\}");

  private BullMqPeer() {}

  /** Runs the script; empty (after printing why) when it cannot run here. */
  static Optional<QueueRates> run(int jobs, int concurrency, int rounds)
      throws IOException, InterruptedException {
    Path dir = Path.of(System.getProperty("headroom.peers.dir", "benchmarks/peers"), "bullmq");
    if (!Files.isRegularFile(dir.resolve("bench.mjs"))) {
      System.out.println(
          "BullMQ peer skipped: no "
              + dir.resolve("bench.mjs")
              + " (run from the repository root)");
      return Optional.empty();
    }
    if (exec(dir, List.of("node", "--version"), 30).isEmpty()) {
      System.out.println("BullMQ peer skipped: node is not on PATH");
      return Optional.empty();
    }
    if (!Files.isDirectory(dir.resolve("node_modules/bullmq"))
        && exec(dir, List.of("npm", "install", "--no-audit", "--no-fund"), 300).isEmpty()) {
      System.out.println("BullMQ peer skipped: 'npm install' failed in " + dir);
      return Optional.empty();
    }
    Optional<String> out =
        exec(
            dir,
            List.of(
                "node",
                "bench.mjs",
                Integer.toString(jobs),
                Integer.toString(concurrency),
                Integer.toString(rounds)),
            600);
    if (out.isEmpty()) {
      System.out.println("BullMQ peer failed; see its output above");
      return Optional.empty();
    }
    Matcher m = RESULT.matcher(out.get());
    if (!m.find()) {
      System.out.println("BullMQ peer printed no result line");
      return Optional.empty();
    }
    return Optional.of(
        new QueueRates(Double.parseDouble(m.group(1)), Double.parseDouble(m.group(2))));
  }

  /** Runs a command, echoing its output; its stdout when it exits 0 in time, else empty. */
  private static Optional<String> exec(Path dir, List<String> command, long timeoutSeconds)
      throws IOException, InterruptedException {
    Process process;
    try {
      process =
          new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
    } catch (IOException notFound) {
      return Optional.empty();
    }
    StringBuilder out = new StringBuilder();
    Thread reader =
        new Thread(
            () -> {
              try (var lines = process.inputReader(StandardCharsets.UTF_8).lines()) {
                lines.forEach(
                    line -> {
                      System.out.println("  [" + command.get(0) + "] " + line);
                      synchronized (out) {
                        out.append(line).append('\n');
                      }
                    });
              }
            },
            "peer-output");
    reader.setDaemon(true);
    reader.start();
    if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      System.out.println(
          "  " + String.join(" ", command) + " timed out after " + timeoutSeconds + " s");
      return Optional.empty();
    }
    reader.join(TimeUnit.SECONDS.toMillis(5));
    synchronized (out) {
      return process.exitValue() == 0 ? Optional.of(out.toString()) : Optional.empty();
    }
  }
}
