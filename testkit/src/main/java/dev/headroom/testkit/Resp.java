package dev.headroom.testkit;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * A tiny blocking RESP2 client for test setup and clean-up (PING, CLUSTER, SCAN, DEL), so the
 * testkit needs no event loop of its own. Not thread-safe; not for production use.
 */
final class Resp implements Closeable {

  private final Socket socket;
  private final InputStream in;
  private final OutputStream out;

  Resp(String host, int port, int timeoutMillis) throws IOException {
    socket = new Socket();
    socket.connect(new InetSocketAddress(host, port), timeoutMillis);
    socket.setSoTimeout(timeoutMillis);
    in = new BufferedInputStream(socket.getInputStream());
    out = socket.getOutputStream();
  }

  /**
   * Sends a command and reads its reply: String, Long, byte[]-as-String, List, or null; errors
   * throw.
   */
  @Nullable Object call(String... args) throws IOException {
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    buf.writeBytes(("*" + args.length + "\r\n").getBytes(StandardCharsets.US_ASCII));
    for (String a : args) {
      byte[] b = a.getBytes(StandardCharsets.UTF_8);
      buf.writeBytes(("$" + b.length + "\r\n").getBytes(StandardCharsets.US_ASCII));
      buf.writeBytes(b);
      buf.writeBytes("\r\n".getBytes(StandardCharsets.US_ASCII));
    }
    out.write(buf.toByteArray());
    out.flush();
    return read();
  }

  private @Nullable Object read() throws IOException {
    int type = in.read();
    String line = line();
    return switch (type) {
      case '+' -> line;
      case '-' -> throw new IOException("Redis error: " + line);
      case ':' -> Long.parseLong(line);
      case '$' -> {
        int len = Integer.parseInt(line);
        if (len < 0) {
          yield null;
        }
        byte[] data = in.readNBytes(len + 2);
        yield new String(data, 0, len, StandardCharsets.UTF_8);
      }
      case '*' -> {
        int n = Integer.parseInt(line);
        if (n < 0) {
          yield null;
        }
        List<@Nullable Object> items = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
          items.add(read());
        }
        yield items;
      }
      case -1 -> throw new IOException("connection closed by Redis");
      default -> throw new IOException("unexpected RESP type '" + (char) type + "'");
    };
  }

  private String line() throws IOException {
    StringBuilder sb = new StringBuilder();
    int c;
    while ((c = in.read()) != '\r') {
      if (c == -1) {
        throw new IOException("connection closed by Redis");
      }
      sb.append((char) c);
    }
    in.read();
    return sb.toString();
  }

  /** Whether a server answers PING on host:port within the timeout. */
  static boolean answersPing(String host, int port, int timeoutMillis) {
    try (Resp r = new Resp(host, port, timeoutMillis)) {
      return "PONG".equals(r.call("PING"));
    } catch (IOException e) {
      return false;
    }
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}
