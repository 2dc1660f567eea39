package dev.headroom.benchmarks;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import dev.headroom.core.codec.JsonCodec;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Encode and decode a ~1 KB object: Headroom's {@link JsonCodec} against a plain Jackson {@link
 * ObjectMapper} configured the same way. The wrapper should cost nothing measurable.
 *
 * <pre>java -jar benchmarks/target/benchmarks.jar quick CodecBenchmark</pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class CodecBenchmark {

  /** Which implementation runs. */
  @Param({"headroom", "jackson"})
  public String impl;

  /** A playlist entry with enough fields to weigh about 1 KB as JSON. */
  public record Entry(
      String id,
      String title,
      String artist,
      String album,
      int durationSeconds,
      long plays,
      double rating,
      boolean explicit,
      Instant addedAt,
      List<String> tags,
      Map<String, String> links) {}

  private Entry value;
  private JsonCodec<Entry> codec;
  private ObjectMapper mapper;
  private int encodedSize;

  /** Builds the value and both implementations. */
  @Setup
  public void setUp() throws IOException {
    List<String> tags = new ArrayList<>();
    for (int i = 0; i < 12; i++) {
      tags.add("tag-number-" + i);
    }
    value =
        new Entry(
            "trk_01HZX3M9Q2B7",
            "A Fairly Long Track Title For A Realistic Payload",
            "The Example Ensemble",
            "Collected Works, Volume Three (Deluxe Edition)",
            347,
            1_234_567L,
            4.6,
            false,
            Instant.parse("2026-11-21T10:15:30Z"),
            tags,
            Map.of(
                "cover",
                "https://cdn.example.com/covers/trk_01HZX3M9Q2B7/large.jpg",
                "audio",
                "https://cdn.example.com/audio/trk_01HZX3M9Q2B7/master.m4a",
                "preview",
                "https://cdn.example.com/audio/trk_01HZX3M9Q2B7/preview-30s.m4a",
                "waveform",
                "https://cdn.example.com/waveforms/trk_01HZX3M9Q2B7.json",
                "lyrics",
                "https://api.example.com/v2/lyrics/trk_01HZX3M9Q2B7"));
    codec = JsonCodec.of(Entry.class);
    mapper =
        JsonMapper.builder()
            .addModule(new JavaTimeModule())
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .build();
    encodedSize = mapper.writeValueAsBytes(value).length;
    if (encodedSize < 800 || encodedSize > 1400) {
      throw new IllegalStateException("payload should be about 1 KB, is " + encodedSize + " bytes");
    }
  }

  /** One encode and one decode. */
  @Benchmark
  public Entry encodeDecode() throws IOException {
    if (impl.equals("headroom")) {
      return codec.decode(codec.encode(value));
    }
    return mapper.readValue(mapper.writeValueAsBytes(value), Entry.class);
  }
}
