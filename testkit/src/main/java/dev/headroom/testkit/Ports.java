package dev.headroom.testkit;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.concurrent.ThreadLocalRandom;

/** Free TCP ports on the loopback interface. */
final class Ports {

  private Ports() {}

  /** A port free right now. */
  static int free() {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      s.setReuseAddress(true);
      return s.getLocalPort();
    } catch (IOException e) {
      throw new IllegalStateException("no free port on the loopback interface", e);
    }
  }

  /** A port p free right now with p + 10000 free too (Redis Cluster's bus port). */
  static int freeWithClusterBus() {
    for (int i = 0; i < 200; i++) {
      int p = ThreadLocalRandom.current().nextInt(20_000, 55_000);
      if (isFree(p) && isFree(p + 10_000)) {
        return p;
      }
    }
    throw new IllegalStateException(
        "no free port pair (p, p+10000) found for a Redis Cluster node");
  }

  static boolean isFree(int port) {
    try (ServerSocket s = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
      s.setReuseAddress(true);
      return true;
    } catch (IOException e) {
      return false;
    }
  }
}
