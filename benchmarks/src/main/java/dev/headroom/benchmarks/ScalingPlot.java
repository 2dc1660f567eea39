package dev.headroom.benchmarks;

import dev.headroom.benchmarks.ScalingCurves.Point;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.Stroke;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import javax.imageio.ImageIO;

/**
 * Draws the scaling curves as a PNG with the JDK alone (headless {@link BufferedImage} and {@link
 * ImageIO}): one panel per path, threads on a log₂ axis, ops/s on a log₁₀ axis (so equal ratios are
 * equal distances), one line per implementation with its bounds as error bars.
 */
final class ScalingPlot {

  private static final int PANEL_W = 520;
  private static final int PANEL_H = 470;
  private static final int TOP = 70;
  private static final int LEFT = 80;
  private static final int RIGHT = 20;
  private static final int BOTTOM = 60;

  private static final Map<String, Color> COLORS =
      Map.of(
          "headroom", new Color(0x1f77b4),
          "lettuce", new Color(0xff7f0e),
          "redis-benchmark", new Color(0x2ca02c));
  private static final Map<String, String> LABELS =
      Map.of(
          "headroom", "Headroom",
          "lettuce", "raw Lettuce, same commands",
          "redis-benchmark", "redis-benchmark, same commands");

  private static final Stroke SOLID = new BasicStroke(2.2f);
  private static final Stroke DASHED =
      new BasicStroke(2.2f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_ROUND, 1, new float[] {7, 5}, 0);

  private ScalingPlot() {}

  /** Writes the plot of {@code points} to {@code png}, with {@code subtitle} under the title. */
  static void write(List<Point> points, Path png, String subtitle) throws IOException {
    System.setProperty("java.awt.headless", "true");
    Map<String, List<Point>> byPath = new LinkedHashMap<>();
    for (Point p : points) {
      byPath.computeIfAbsent(p.path(), k -> new ArrayList<>()).add(p);
    }
    int panels = Math.max(1, byPath.size());
    BufferedImage image =
        new BufferedImage(PANEL_W * panels, PANEL_H + 60, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = image.createGraphics();
    try {
      g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
      g.setRenderingHint(
          RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
      g.setColor(Color.WHITE);
      g.fillRect(0, 0, image.getWidth(), image.getHeight());
      g.setColor(Color.DARK_GRAY);
      g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 13));
      g.drawString(
          "Throughput against client threads (1, 8, 32, 128) · " + subtitle, 12, PANEL_H + 48);
      legend(g, 80, PANEL_H + 20);
      int x0 = 0;
      for (Map.Entry<String, List<Point>> e : byPath.entrySet()) {
        panel(g, x0, e.getKey(), e.getValue());
        x0 += PANEL_W;
      }
    } finally {
      g.dispose();
    }
    if (!ImageIO.write(image, "png", png.toFile())) {
      throw new IOException("no PNG writer in this JDK");
    }
  }

  private static void panel(Graphics2D g, int x0, String title, List<Point> points) {
    int plotW = PANEL_W - LEFT - RIGHT;
    int plotH = PANEL_H - TOP - BOTTOM;
    int px = x0 + LEFT;
    int py = TOP;
    double maxThreads = 1;
    double minY = Double.MAX_VALUE;
    double maxY = 1;
    for (Point p : points) {
      maxThreads = Math.max(maxThreads, p.threads());
      maxY = Math.max(maxY, p.high());
      minY = Math.min(minY, Math.max(1, p.score() / 2));
    }
    // log scale from the 1-2-5 tick at or below half the lowest score (lower bounds are clipped
    // there: a bound of 0 has no place on a log axis) to the one at or above the highest bound
    double bottom = tickAtOrBelow(Math.min(minY, maxY));
    double top = tickAtOrAbove(maxY);
    if (top <= bottom) {
      top = bottom * 10;
    }
    double logBottom = Math.log10(bottom);
    double logSpan = Math.log10(top) - logBottom;
    double logMax = Math.max(1, log2(maxThreads));

    g.setColor(Color.BLACK);
    g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 16));
    g.drawString(title, px, 28);
    g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
    FontMetrics fm = g.getFontMetrics();

    // grid and y ticks
    for (double v : ticks(bottom, top)) {
      int y = py + plotH - (int) Math.round((Math.log10(v) - logBottom) / logSpan * plotH);
      g.setColor(new Color(0xe6e6e6));
      g.drawLine(px, y, px + plotW, y);
      g.setColor(Color.DARK_GRAY);
      String label = formatOps(v);
      g.drawString(label, px - 8 - fm.stringWidth(label), y + 4);
    }
    // x ticks at the measured thread counts
    List<Integer> ticks = points.stream().map(Point::threads).distinct().sorted().toList();
    for (int t : ticks) {
      int x = px + (int) Math.round(log2(t) / logMax * plotW);
      g.setColor(new Color(0xe6e6e6));
      g.drawLine(x, py, x, py + plotH);
      g.setColor(Color.DARK_GRAY);
      String label = String.valueOf(t);
      g.drawString(label, x - fm.stringWidth(label) / 2, py + plotH + 18);
    }
    g.setColor(Color.BLACK);
    g.drawRect(px, py, plotW, plotH);
    g.drawString("client threads (log scale)", px + plotW / 2 - 70, py + plotH + 38);
    g.drawString("ops/s (log scale)", x0 + 8, py - 10);

    // curves
    Map<String, List<Point>> byImpl = new LinkedHashMap<>();
    for (String impl : List.of("headroom", "lettuce", "redis-benchmark")) {
      List<Point> line =
          points.stream()
              .filter(p -> p.impl().equals(impl))
              .sorted((a, b) -> Integer.compare(a.threads(), b.threads()))
              .toList();
      if (!line.isEmpty()) {
        byImpl.put(impl, line);
      }
    }
    for (Map.Entry<String, List<Point>> e : byImpl.entrySet()) {
      Color color = COLORS.getOrDefault(e.getKey(), Color.GRAY);
      g.setColor(color);
      int prevX = -1;
      int prevY = -1;
      for (Point p : e.getValue()) {
        int x = px + (int) Math.round(log2(p.threads()) / logMax * plotW);
        int y =
            py + plotH - (int) Math.round((Math.log10(p.score()) - logBottom) / logSpan * plotH);
        int yLow =
            py
                + plotH
                - (int)
                    Math.round(
                        (Math.log10(Math.max(bottom, p.low())) - logBottom) / logSpan * plotH);
        int yHigh =
            py + plotH - (int) Math.round((Math.log10(p.high()) - logBottom) / logSpan * plotH);
        g.setStroke(new BasicStroke(1.4f));
        g.drawLine(x, yLow, x, yHigh);
        g.drawLine(x - 5, yLow, x + 5, yLow);
        g.drawLine(x - 5, yHigh, x + 5, yHigh);
        g.fillOval(x - 4, y - 4, 8, 8);
        if (prevX >= 0) {
          g.setStroke(e.getKey().equals("redis-benchmark") ? DASHED : SOLID);
          g.drawLine(prevX, prevY, x, y);
        }
        prevX = x;
        prevY = y;
      }
    }
    g.setStroke(new BasicStroke(1));
  }

  /** One legend for all panels, on one line from {@code (x, y)}. */
  private static void legend(Graphics2D g, int x, int y) {
    g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 13));
    FontMetrics fm = g.getFontMetrics();
    for (String impl : List.of("headroom", "lettuce", "redis-benchmark")) {
      g.setColor(COLORS.getOrDefault(impl, Color.GRAY));
      g.setStroke(impl.equals("redis-benchmark") ? DASHED : SOLID);
      g.drawLine(x, y - 4, x + 30, y - 4);
      g.fillOval(x + 11, y - 8, 8, 8);
      g.setColor(Color.BLACK);
      String label = LABELS.getOrDefault(impl, impl);
      g.drawString(label, x + 38, y);
      x += 38 + fm.stringWidth(label) + 30;
    }
    g.setStroke(new BasicStroke(1));
  }

  private static double log2(double v) {
    return Math.log(v) / Math.log(2);
  }

  /** The 1, 2 or 5 times a power of ten at or above {@code v}. */
  static double tickAtOrAbove(double v) {
    double pow = Math.pow(10, Math.floor(Math.log10(Math.max(v, 1e-9))));
    for (double m : new double[] {1, 2, 5}) {
      if (m * pow >= v * (1 - 1e-9)) {
        return m * pow;
      }
    }
    return 10 * pow;
  }

  /** The 1, 2 or 5 times a power of ten at or below {@code v}. */
  static double tickAtOrBelow(double v) {
    double pow = Math.pow(10, Math.floor(Math.log10(Math.max(v, 1e-9))));
    for (double m : new double[] {5, 2, 1}) {
      if (m * pow <= v * (1 + 1e-9)) {
        return m * pow;
      }
    }
    return pow;
  }

  /** The 1-2-5 ticks from {@code bottom} to {@code top}, both included. */
  static List<Double> ticks(double bottom, double top) {
    List<Double> ticks = new ArrayList<>();
    for (double v = bottom; v <= top * (1 + 1e-9); v = tickAtOrAbove(v * 1.000001)) {
      ticks.add(v);
    }
    return ticks;
  }

  private static String formatOps(double v) {
    if (v >= 1_000_000) {
      return String.format(Locale.ROOT, "%.1fM", v / 1_000_000);
    }
    if (v >= 1_000) {
      return String.format(Locale.ROOT, v % 1_000 == 0 ? "%.0fk" : "%.1fk", v / 1_000);
    }
    return String.format(Locale.ROOT, "%.0f", v);
  }
}
