package dev.verge.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A plain SVG of bar-chart panels, one under the other, for a person to look at in a browser; no
 * library, no external service.
 */
final class SvgChart {
    private static final String[] COLORS = {"#4c78a8", "#f58518", "#54a24b", "#e45756", "#72b7b2", "#b279a2", "#9d755d"};
    private static final int WIDTH = 960;
    private static final int PANEL = 300;

    /** Bars grouped by category; {@code stacked} draws each category's series on top of each other. */
    record Panel(String title, String unit, List<String> categories, List<String> series, double[][] values, boolean stacked) {}

    private final String title;
    private final List<Panel> panels = new ArrayList<>();

    SvgChart(String title) {
        this.title = title;
    }

    SvgChart add(Panel panel) {
        panels.add(panel);
        return this;
    }

    String render() {
        int height = 50 + panels.size() * PANEL;
        StringBuilder svg = new StringBuilder();
        svg.append(String.format(Locale.ROOT,
                "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" font-family=\"sans-serif\" font-size=\"11\">%n",
                WIDTH, height));
        svg.append("<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n");
        svg.append(text(WIDTH / 2.0, 26, escape(title), "middle", 16, "bold"));
        for (int i = 0; i < panels.size(); i++) {
            panel(svg, panels.get(i), 50 + i * PANEL);
        }
        return svg.append("</svg>\n").toString();
    }

    private void panel(StringBuilder svg, Panel p, int top) {
        double left = 70;
        double right = WIDTH - 170;
        double plotTop = top + 30;
        double plotBottom = top + PANEL - 50;
        svg.append(text(left, top + 16, escape(p.title()) + " (" + escape(p.unit()) + ")", "start", 13, "bold"));
        double max = 0;
        for (int c = 0; c < p.categories().size(); c++) {
            double stack = 0;
            for (int s = 0; s < p.series().size(); s++) {
                double v = value(p, s, c);
                stack += v;
                max = Math.max(max, p.stacked() ? stack : v);
            }
        }
        max = niceCeiling(max);
        for (int t = 0; t <= 4; t++) {
            double y = plotBottom - (plotBottom - plotTop) * t / 4;
            svg.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#ddd\"/>%n", left, y, right, y));
            svg.append(text(left - 6, y + 4, format(max * t / 4), "end", 10, "normal"));
        }
        int groups = p.categories().size();
        double groupWidth = (right - left) / Math.max(1, groups);
        int barsPerGroup = p.stacked() ? 1 : p.series().size();
        double barWidth = groupWidth * 0.8 / Math.max(1, barsPerGroup);
        for (int c = 0; c < groups; c++) {
            double x0 = left + c * groupWidth + groupWidth * 0.1;
            double base = plotBottom;
            for (int s = 0; s < p.series().size(); s++) {
                double v = value(p, s, c);
                double h = max == 0 ? 0 : (plotBottom - plotTop) * v / max;
                double x = p.stacked() ? x0 : x0 + s * barWidth;
                double y = p.stacked() ? base - h : plotBottom - h;
                svg.append(String.format(Locale.ROOT,
                        "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"%s\"><title>%s, %s: %s %s</title></rect>%n",
                        x, y, Math.max(1, barWidth - 2), h, COLORS[s % COLORS.length], escape(p.series().get(s)),
                        escape(p.categories().get(c)), format(v), escape(p.unit())));
                if (!p.stacked() && v > 0 && barWidth >= 18) {
                    svg.append(text(x + barWidth / 2 - 1, y - 3, format(v), "middle", 9, "normal"));
                }
                if (p.stacked()) {
                    base -= h;
                }
            }
            if (p.stacked()) {
                double total = 0;
                for (int s = 0; s < p.series().size(); s++) {
                    total += value(p, s, c);
                }
                svg.append(text(x0 + barWidth / 2, base - 3, format(total), "middle", 10, "normal"));
            }
            svg.append(text(x0 + barWidth * barsPerGroup / 2, plotBottom + 16, escape(p.categories().get(c)), "middle", 10, "normal"));
        }
        svg.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#333\"/>%n",
                left, plotBottom, right, plotBottom));
        for (int s = 0; s < p.series().size(); s++) {
            double y = plotTop + s * 18;
            svg.append(String.format(Locale.ROOT, "<rect x=\"%.1f\" y=\"%.1f\" width=\"12\" height=\"12\" fill=\"%s\"/>%n",
                    right + 14, y, COLORS[s % COLORS.length]));
            svg.append(text(right + 32, y + 10, escape(p.series().get(s)), "start", 11, "normal"));
        }
    }

    private static double value(Panel p, int s, int c) {
        double v = p.values()[s][c];
        return Double.isFinite(v) ? v : 0;
    }

    private static double niceCeiling(double max) {
        if (max <= 0) {
            return 1;
        }
        double magnitude = Math.pow(10, Math.floor(Math.log10(max)));
        for (double step : new double[] {1, 2, 2.5, 5, 10}) {
            if (step * magnitude >= max) {
                return step * magnitude;
            }
        }
        return 10 * magnitude;
    }

    private static String format(double v) {
        if (v >= 100) {
            return String.format(Locale.ROOT, "%.0f", v);
        }
        return v >= 10 ? String.format(Locale.ROOT, "%.1f", v) : String.format(Locale.ROOT, "%.2f", v);
    }

    private static String text(double x, double y, String s, String anchor, int size, String weight) {
        return String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"%s\" font-size=\"%d\" font-weight=\"%s\">%s</text>%n",
                x, y, anchor, size, weight, s);
    }

    private static String escape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }
}
