package dev.headroom.core.codec;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import java.io.IOException;
import java.util.Objects;

/**
 * A {@link Codec} that writes JSON with Jackson.
 *
 * <p>Each codec binds one target type and keeps a prebuilt {@link ObjectReader} and {@link
 * ObjectWriter}, so encoding and decoding cost what plain Jackson costs. The default mapper ({@link
 * #defaultMapper()}) knows {@code java.time} types, writes dates as ISO-8601 text and ignores
 * unknown properties, so a newer writer does not break an older reader during a rolling deploy.
 *
 * <p><b>Security</b>: the codec decodes only the type it was built for. A mapper with default
 * typing enabled (which lets the data choose the class to instantiate, the source of Jackson's
 * deserialization gadget attacks) is refused. Thread-safe.
 *
 * @param <T> the value type
 */
public final class JsonCodec<T> implements Codec<T> {

  private static final ObjectMapper DEFAULT_MAPPER =
      JsonMapper.builder()
          .addModule(new JavaTimeModule())
          .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
          .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
          .build();

  private final JavaType type;
  private final ObjectReader reader;
  private final ObjectWriter writer;

  private JsonCodec(ObjectMapper mapper, JavaType type) {
    this.type = type;
    this.reader = mapper.readerFor(type);
    this.writer = mapper.writerFor(type);
  }

  /** A codec for {@code type} on the {@linkplain #defaultMapper() default mapper}. */
  public static <T> JsonCodec<T> of(Class<T> type) {
    return of(DEFAULT_MAPPER, type);
  }

  /** A codec for a generic type, such as {@code new TypeReference<List<User>>() {}}. */
  public static <T> JsonCodec<T> of(TypeReference<T> type) {
    return of(DEFAULT_MAPPER, type);
  }

  /**
   * A codec for {@code type} on the user's mapper (its modules and features apply).
   *
   * @throws IllegalArgumentException if the mapper has default typing enabled
   */
  public static <T> JsonCodec<T> of(ObjectMapper mapper, Class<T> type) {
    Objects.requireNonNull(type, "type");
    return new JsonCodec<>(checked(mapper), mapper.constructType(type));
  }

  /**
   * A codec for a generic type on the user's mapper.
   *
   * @throws IllegalArgumentException if the mapper has default typing enabled
   */
  public static <T> JsonCodec<T> of(ObjectMapper mapper, TypeReference<T> type) {
    Objects.requireNonNull(type, "type");
    return new JsonCodec<>(checked(mapper), mapper.constructType(type));
  }

  /**
   * The mapper used when none is given. Shared: do not reconfigure it; build your own mapper and
   * pass it to {@link #of(ObjectMapper, Class)} instead.
   */
  public static ObjectMapper defaultMapper() {
    return DEFAULT_MAPPER;
  }

  private static ObjectMapper checked(ObjectMapper mapper) {
    Objects.requireNonNull(mapper, "mapper");
    JavaType object = mapper.constructType(Object.class);
    if (mapper.getDeserializationConfig().getDefaultTyper(object) != null) {
      throw new IllegalArgumentException(
          "the ObjectMapper has default typing enabled "
              + "(activateDefaultTyping/enableDefaultTyping), which lets stored data choose the classes to "
              + "instantiate; JsonCodec refuses it. Use a mapper without default typing and, where you need "
              + "polymorphism, @JsonTypeInfo with an explicit set of @JsonSubTypes.");
    }
    return mapper;
  }

  /** The type this codec encodes and decodes. */
  public JavaType type() {
    return type;
  }

  @Override
  public byte[] encode(T value) {
    try {
      return writer.writeValueAsBytes(value);
    } catch (JsonProcessingException e) {
      throw new CodecException(
          "could not encode a value of "
              + describe(value)
              + " as JSON for "
              + type
              + ": "
              + e.getOriginalMessage(),
          e);
    }
  }

  @Override
  public T decode(byte[] bytes) {
    Objects.requireNonNull(bytes, "bytes");
    try {
      return reader.readValue(bytes);
    } catch (IOException e) {
      String detail =
          e instanceof JsonProcessingException jpe ? jpe.getOriginalMessage() : e.getMessage();
      throw new CodecException(
          "could not decode " + bytes.length + " bytes of JSON as " + type + ": " + detail, e);
    }
  }

  @Override
  public T decode(byte[] bytes, int offset, int length) {
    Objects.checkFromIndexSize(offset, length, bytes.length);
    try {
      return reader.readValue(bytes, offset, length);
    } catch (IOException e) {
      String detail =
          e instanceof JsonProcessingException jpe ? jpe.getOriginalMessage() : e.getMessage();
      throw new CodecException(
          "could not decode " + length + " bytes of JSON as " + type + ": " + detail, e);
    }
  }

  private static String describe(Object value) {
    return value == null ? "null" : value.getClass().getName();
  }

  @Override
  public String toString() {
    return "JsonCodec[" + type + "]";
  }
}
