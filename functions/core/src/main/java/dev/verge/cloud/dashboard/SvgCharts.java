package dev.verge.cloud.dashboard;

import java.util.List;
import java.util.Map;

/**
 * Charts drawn on the server as inline SVG: no script, no external resource, readable in any
 * browser and in a screenshot.
 */
final class SvgCharts {
    static final int WIDTH = 560;
    static final int HEIGHT = 200;
    private static final int LEFT = 48;
    private static final int BOTTOM = 24;
    private static final int TOP = 10;
    private static final int RIGHT = 10;
    static final List<String> PALETTE = List.of("#2563eb", "#dc2626", "#16a34a", "#d97706", "#7c3aed", "#0891b2", "#db2777", "#4b5563");

    private SvgCharts() {}

    /**
     * Bars per x position, each split into stacked segments (for example successful answers and errors).
     *
     * @param xLabels  label of each position (shown for the first, the middle and the last)
     * @param segments name -> value per position, stacked in the map's order
     */
    static String stackedBars(String id, String title, List<String> xLabels, Map<String, double[]> segments) {
        int n = xLabels.size();
        double max = 0;
        for (int i = 0; i < n; i++) {
            double sum = 0;
            for (double[] values : segments.values()) {
                sum += values[i];
            }
            max = Math.max(max, sum);
        }
        max = niceMax(max);
        StringBuilder svg = open(id, title);
        axes(svg, max, xLabels);
        double slot = (double) (WIDTH - LEFT - RIGHT) / Math.max(1, n);
        double bar = Math.max(1, slot * 0.8);
        for (int i = 0; i < n; i++) {
            double base = 0;
            int color = 0;
            for (Map.Entry<String, double[]> segment : segments.entrySet()) {
                double v = segment.getValue()[i];
                if (v > 0) {
                    double y0 = y(base, max);
                    double y1 = y(base + v, max);
                    svg.append("<rect x=\"").append(Html.num(LEFT + i * slot + (slot - bar) / 2)).append("\" y=\"")
                            .append(Html.num(y1)).append("\" width=\"").append(Html.num(bar)).append("\" height=\"")
                            .append(Html.num(Math.max(0.5, y0 - y1))).append("\" fill=\"").append(PALETTE.get(color % PALETTE.size()))
                            .append("\"><title>").append(Html.esc(xLabels.get(i) + " " + segment.getKey() + ": " + (long) v))
                            .append("</title></rect>");
                }
                base += v;
                color++;
            }
        }
        legend(svg, segments.keySet().stream().toList());
        return svg.append("</svg>").toString();
    }

    /** One polyline per series over the same x positions; NaN leaves a gap. */
    static String lines(String id, String title, List<String> xLabels, Map<String, double[]> series) {
        int n = xLabels.size();
        double max = 0;
        for (double[] values : series.values()) {
            for (double v : values) {
                if (!Double.isNaN(v)) {
                    max = Math.max(max, v);
                }
            }
        }
        max = niceMax(max);
        StringBuilder svg = open(id, title);
        axes(svg, max, xLabels);
        double step = n <= 1 ? 0 : (double) (WIDTH - LEFT - RIGHT) / (n - 1);
        int color = 0;
        for (Map.Entry<String, double[]> s : series.entrySet()) {
            StringBuilder points = new StringBuilder();
            String stroke = PALETTE.get(color++ % PALETTE.size());
            double[] values = s.getValue();
            for (int i = 0; i < n; i++) {
                if (Double.isNaN(values[i])) {
                    flush(svg, points, stroke);
                    continue;
                }
                points.append(Html.num(LEFT + i * step)).append(',').append(Html.num(y(values[i], max))).append(' ');
            }
            flush(svg, points, stroke);
        }
        legend(svg, series.keySet().stream().toList());
        return svg.append("</svg>").toString();
    }

    /** Horizontal bars with their label and value: one colour per category, or one for all (a histogram). */
    static String hbars(String id, String title, List<String> labels, double[] values, List<String> valueTexts, boolean oneColour) {
        int rowHeight = 22;
        int height = Math.max(1, labels.size()) * rowHeight + 8;
        double max = 0;
        for (double v : values) {
            max = Math.max(max, v);
        }
        StringBuilder svg = new StringBuilder("<svg id=\"").append(id).append("\" role=\"img\" aria-label=\"").append(Html.esc(title))
                .append("\" viewBox=\"0 0 ").append(WIDTH).append(' ').append(height).append("\" width=\"").append(WIDTH)
                .append("\" height=\"").append(height).append("\" xmlns=\"http://www.w3.org/2000/svg\">");
        int labelWidth = 120;
        int valueWidth = 110;
        double room = WIDTH - labelWidth - valueWidth;
        for (int i = 0; i < labels.size(); i++) {
            int y = 4 + i * rowHeight;
            double w = max <= 0 ? 0 : room * values[i] / max;
            svg.append("<text x=\"").append(labelWidth - 6).append("\" y=\"").append(y + 15)
                    .append("\" text-anchor=\"end\" font-size=\"12\">").append(Html.esc(labels.get(i))).append("</text>")
                    .append("<rect x=\"").append(labelWidth).append("\" y=\"").append(y + 3).append("\" width=\"")
                    .append(Html.num(Math.max(w, values[i] > 0 ? 1 : 0))).append("\" height=\"16\" fill=\"")
                    .append(PALETTE.get(oneColour ? 0 : i % PALETTE.size())).append("\"/>")
                    .append("<text x=\"").append(Html.num(labelWidth + w + 6)).append("\" y=\"").append(y + 15)
                    .append("\" font-size=\"12\">").append(Html.esc(valueTexts.get(i))).append("</text>");
        }
        return svg.append("</svg>").toString();
    }

    private static void flush(StringBuilder svg, StringBuilder points, String stroke) {
        String coordinates = points.toString().strip();
        points.setLength(0);
        if (coordinates.isEmpty()) {
            return;
        }
        if (coordinates.indexOf(' ') < 0) {
            // a line through one point draws nothing (one hour of data, or an hour between gaps): draw a dot
            String[] xy = coordinates.split(",");
            svg.append("<circle r=\"3\" fill=\"").append(stroke).append("\" cx=\"").append(xy[0]).append("\" cy=\"")
                    .append(xy[1]).append("\"/>");
            return;
        }
        svg.append("<polyline fill=\"none\" stroke-width=\"2\" stroke=\"").append(stroke).append("\" points=\"")
                .append(coordinates).append("\"/>");
    }

    private static StringBuilder open(String id, String title) {
        return new StringBuilder("<svg id=\"").append(id).append("\" role=\"img\" aria-label=\"").append(Html.esc(title))
                .append("\" viewBox=\"0 0 ").append(WIDTH).append(' ').append(HEIGHT + 18).append("\" width=\"").append(WIDTH)
                .append("\" height=\"").append(HEIGHT + 18).append("\" xmlns=\"http://www.w3.org/2000/svg\">");
    }

    private static void axes(StringBuilder svg, double max, List<String> xLabels) {
        int bottom = HEIGHT - BOTTOM;
        svg.append("<line x1=\"").append(LEFT).append("\" y1=\"").append(bottom).append("\" x2=\"").append(WIDTH - RIGHT)
                .append("\" y2=\"").append(bottom).append("\" stroke=\"#9ca3af\"/>");
        for (double tick : new double[] {0, max / 2, max}) {
            double y = y(tick, max);
            svg.append("<line x1=\"").append(LEFT).append("\" y1=\"").append(Html.num(y)).append("\" x2=\"").append(WIDTH - RIGHT)
                    .append("\" y2=\"").append(Html.num(y)).append("\" stroke=\"#e5e7eb\"/>")
                    .append("<text x=\"").append(LEFT - 4).append("\" y=\"").append(Html.num(y + 4))
                    .append("\" text-anchor=\"end\" font-size=\"10\" fill=\"#4b5563\">").append(tickText(tick)).append("</text>");
        }
        int n = xLabels.size();
        if (n > 0) {
            int[] shown = n == 1 ? new int[] {0} : new int[] {0, n / 2, n - 1};
            for (int i : shown) {
                double x = n == 1 ? LEFT : LEFT + (double) i * (WIDTH - LEFT - RIGHT) / (n - 1);
                String anchor = i == 0 ? "start" : i == n - 1 ? "end" : "middle";
                svg.append("<text x=\"").append(Html.num(x)).append("\" y=\"").append(bottom + 14)
                        .append("\" text-anchor=\"").append(anchor).append("\" font-size=\"10\" fill=\"#4b5563\">")
                        .append(Html.esc(xLabels.get(i))).append("</text>");
            }
        }
    }

    private static void legend(StringBuilder svg, List<String> names) {
        int x = LEFT;
        int y = HEIGHT + 8;
        for (int i = 0; i < names.size(); i++) {
            svg.append("<rect x=\"").append(x).append("\" y=\"").append(y - 8).append("\" width=\"10\" height=\"10\" fill=\"")
                    .append(PALETTE.get(i % PALETTE.size())).append("\"/><text x=\"").append(x + 14).append("\" y=\"").append(y + 1)
                    .append("\" font-size=\"11\">").append(Html.esc(names.get(i))).append("</text>");
            x += 24 + names.get(i).length() * 7;
        }
    }

    private static double y(double value, double max) {
        double bottom = HEIGHT - BOTTOM;
        return max <= 0 ? bottom : bottom - (bottom - TOP) * value / max;
    }

    /** A round axis maximum at or above {@code max} (1, 2 or 5 times a power of ten). */
    static double niceMax(double max) {
        if (max <= 0) {
            return 1;
        }
        double power = Math.pow(10, Math.floor(Math.log10(max)));
        for (double m : new double[] {1, 2, 5, 10}) {
            if (m * power >= max) {
                return m * power;
            }
        }
        return 10 * power;
    }

    private static String tickText(double v) {
        return v == Math.rint(v) ? Long.toString((long) v) : Html.num(v);
    }
}
