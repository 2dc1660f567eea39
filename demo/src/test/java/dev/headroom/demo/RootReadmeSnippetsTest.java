package dev.headroom.demo;

import dev.headroom.testkit.ReadmeSnippets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * Every Java snippet of the root README stands, line for line, in a test that compiles and runs
 * it: testkit's {@code RootReadmeCoreSnippetsTest} for core and testkit, and each module's {@code
 * ReadmeSnippetsTest} for its own section.
 */
class RootReadmeSnippetsTest {

  @Test
  void everyRootReadmeSnippetStandsInACompiledTest() {
    ReadmeSnippets.assertAllIn(
        Path.of("../README.md"),
        Path.of("../testkit/src/test/java/dev/headroom/testkit/core/RootReadmeCoreSnippetsTest.java"),
        Path.of("../cache/src/test/java/dev/headroom/cache/ReadmeSnippetsTest.java"),
        Path.of("../ratelimit/src/test/java/dev/headroom/ratelimit/ReadmeSnippetsTest.java"),
        Path.of("../queue/src/test/java/dev/headroom/queue/ReadmeSnippetsTest.java"),
        Path.of("../batch/src/test/java/dev/headroom/batch/ReadmeSnippetsTest.java"),
        Path.of("../cdn/src/test/java/dev/headroom/cdn/ReadmeSnippetsTest.java"),
        Path.of("../monitoring/src/test/java/dev/headroom/monitoring/ReadmeSnippetsTest.java"),
        Path.of("../spring-boot/src/test/java/dev/headroom/spring/boot/ReadmeSnippetsTest.java"));
  }
}
