package dev.headroom.core.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.jsontype.BasicPolymorphicTypeValidator;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JsonCodecTest {

  record Track(String id, String title, int durationSeconds, Instant addedAt, List<String> tags) {}

  @Test
  void roundTripsARecordWithJavaTime() {
    JsonCodec<Track> codec = JsonCodec.of(Track.class);
    Track t =
        new Track(
            "t1",
            "Blue in Green",
            337,
            Instant.parse("2026-11-21T10:15:30Z"),
            List.of("jazz", "modal"));
    byte[] bytes = codec.encode(t);
    assertThat(new String(bytes, StandardCharsets.UTF_8))
        .contains("\"addedAt\":\"2026-11-21T10:15:30Z\"");
    assertThat(codec.decode(bytes)).isEqualTo(t);
  }

  @Test
  void decodesGenericTypesAndIgnoresUnknownProperties() {
    JsonCodec<Map<String, List<Integer>>> codec = JsonCodec.of(new TypeReference<>() {});
    assertThat(codec.decode("{\"a\":[1,2]}".getBytes(StandardCharsets.UTF_8)))
        .isEqualTo(Map.of("a", List.of(1, 2)));
    Track t =
        JsonCodec.of(Track.class)
            .decode(
                "{\"id\":\"x\",\"title\":\"y\",\"durationSeconds\":1,\"newField\":true}"
                    .getBytes(StandardCharsets.UTF_8));
    assertThat(t.id()).isEqualTo("x");
  }

  @Test
  void aDecodingFailureNamesTheTypeAndTheInput() {
    JsonCodec<Track> codec = JsonCodec.of(Track.class);
    assertThatThrownBy(
            () -> codec.decode("{\"durationSeconds\":\"long\"}".getBytes(StandardCharsets.UTF_8)))
        .isInstanceOf(CodecException.class)
        .hasMessageContaining("could not decode 26 bytes of JSON as")
        .hasMessageContaining(Track.class.getName().replace('$', '.').substring(0, 20));
    assertThatThrownBy(() -> codec.decode("not json".getBytes(StandardCharsets.UTF_8)))
        .isInstanceOf(CodecException.class)
        .hasMessageContaining("Track");
  }

  @Test
  void refusesAMapperWithDefaultTyping() {
    ObjectMapper unsafe =
        JsonMapper.builder()
            .activateDefaultTyping(
                BasicPolymorphicTypeValidator.builder().allowIfBaseType(Object.class).build(),
                ObjectMapper.DefaultTyping.NON_FINAL)
            .build();
    assertThatThrownBy(() -> JsonCodec.of(unsafe, Track.class))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("default typing enabled");
  }

  @Test
  void usesTheUsersMapper() {
    ObjectMapper mapper = JsonMapper.builder().build();
    JsonCodec<Map<String, Object>> codec = JsonCodec.of(mapper, new TypeReference<>() {});
    assertThat(codec.decode(codec.encode(Map.of("k", "v")))).isEqualTo(Map.of("k", "v"));
  }

  @Test
  void rawCodecs() {
    byte[] raw = {1, 2, 3};
    assertThat(Codec.bytes().decode(Codec.bytes().encode(raw))).isSameAs(raw);
    assertThat(Codec.utf8().decode(Codec.utf8().encode("h\u00e9llo \u20ac")))
        .isEqualTo("h\u00e9llo \u20ac");
  }

  @Test
  void decodesASliceAsItsOwnBytes() {
    byte[] framed = "##{\"a\":[1,2]}##".getBytes(StandardCharsets.UTF_8);
    JsonCodec<Map<String, List<Integer>>> json = JsonCodec.of(new TypeReference<>() {});
    assertThat(json.decode(framed, 2, framed.length - 4)).isEqualTo(Map.of("a", List.of(1, 2)));
    assertThatThrownBy(() -> json.decode(framed, 2, framed.length - 5))
        .isInstanceOf(CodecException.class)
        .hasMessageContaining("could not decode " + (framed.length - 5) + " bytes");
    assertThatThrownBy(() -> json.decode(framed, 2, framed.length))
        .isInstanceOf(IndexOutOfBoundsException.class);

    byte[] text = "xh\u00e9llo\u20acx".getBytes(StandardCharsets.UTF_8);
    assertThat(Codec.utf8().decode(text, 1, text.length - 2)).isEqualTo("h\u00e9llo\u20ac");
    byte[] raw = {9, 1, 2, 3, 9};
    assertThat(Codec.bytes().decode(raw, 1, 3)).containsExactly(1, 2, 3);
    assertThatThrownBy(() -> Codec.bytes().decode(raw, 3, 3))
        .isInstanceOf(IndexOutOfBoundsException.class);
  }
}
