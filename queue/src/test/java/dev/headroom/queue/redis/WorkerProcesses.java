package dev.headroom.queue.redis;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A {@link WorkerProcess} started with {@link ProcessBuilder} on this JVM's class path, and its
 * output lines.
 */
final class WorkerProcesses implements AutoCloseable {

  final Process process;
  final List<String> lines = new CopyOnWriteArrayList<>();

  private WorkerProcesses(Process process) {
    this.process = process;
    Thread reader =
        new Thread(
            () -> {
              try (BufferedReader in =
                  new BufferedReader(
                      new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = in.readLine()) != null) {
                  lines.add(line);
                }
              } catch (IOException e) {
                // the process was killed
              }
            },
            "worker-process-output");
    reader.setDaemon(true);
    reader.start();
  }

  static WorkerProcesses start(
      String uri, String keyPrefix, String queue, int concurrency, long leaseMillis, String mode) {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    List<String> cmd =
        new ArrayList<>(
            List.of(
                java,
                "-Xmx256m",
                "-XX:TieredStopAtLevel=1",
                "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn",
                "-cp",
                System.getProperty("java.class.path"),
                WorkerProcess.class.getName(),
                uri,
                keyPrefix,
                queue,
                String.valueOf(concurrency),
                String.valueOf(leaseMillis),
                mode));
    try {
      return new WorkerProcesses(
          new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT).start());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  boolean ready() {
    return lines.contains("ready");
  }

  long count(String prefix) {
    return lines.stream().filter(l -> l.startsWith(prefix)).count();
  }

  /** SIGKILL: no shutdown hook, no answer sent. Waits until the process is gone. */
  void kill() {
    try {
      process.destroyForcibly().waitFor();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while killing a worker process", e);
    }
  }

  @Override
  public void close() {
    kill();
  }
}
