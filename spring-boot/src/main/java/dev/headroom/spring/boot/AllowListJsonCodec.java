package dev.headroom.spring.boot;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.headroom.core.codec.Codec;
import dev.headroom.core.codec.CodecException;
import java.io.IOException;
import java.util.List;

/**
 * JSON values of several types without Jackson default typing: each value is stored as {@code
 * {"@type": "com.example.User", "value": {...}}}, and a stored type is loaded only when the
 * allow-list names it (a class name, or a package ending with '.'). Nothing else is ever
 * instantiated from Redis.
 */
final class AllowListJsonCodec implements Codec<Object> {

  private final ObjectMapper mapper;
  private final List<String> allowed;

  AllowListJsonCodec(ObjectMapper mapper, List<String> allowed) {
    this.mapper = mapper;
    this.allowed = List.copyOf(allowed);
  }

  boolean allows(String className) {
    for (String a : allowed) {
      if (a.endsWith(".") ? className.startsWith(a) : className.equals(a)) {
        return true;
      }
    }
    return false;
  }

  @Override
  public byte[] encode(Object value) {
    String type = value.getClass().getName();
    if (!allows(type)) {
      throw new IllegalArgumentException(
          "value of type " + type + " is not in the cache's allowed-types " + allowed);
    }
    ObjectNode node = mapper.createObjectNode();
    node.put("@type", type);
    node.set("value", mapper.valueToTree(value));
    try {
      return mapper.writeValueAsBytes(node);
    } catch (IOException e) {
      throw new CodecException("cannot encode a " + type + " as JSON", e);
    }
  }

  @Override
  public Object decode(byte[] bytes) {
    try {
      JsonNode node = mapper.readTree(bytes);
      JsonNode type = node.get("@type");
      if (type == null || !type.isTextual()) {
        throw new IllegalArgumentException("stored value has no @type");
      }
      String name = type.asText();
      if (!allows(name)) {
        throw new IllegalArgumentException(
            "stored type " + name + " is not in allowed-types " + allowed);
      }
      Class<?> cls = Class.forName(name, false, Thread.currentThread().getContextClassLoader());
      return mapper.treeToValue(node.get("value"), cls);
    } catch (IOException | ClassNotFoundException e) {
      throw new CodecException("cannot decode a stored value", e);
    }
  }

  @Override
  public String toString() {
    return "AllowListJsonCodec" + allowed;
  }
}
