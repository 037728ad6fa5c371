package dev.verge.cloud.dashboard;

import static dev.verge.cloud.dashboard.Html.esc;

import dev.verge.cloud.analytics.Aggregate;
import dev.verge.cloud.analytics.AnalyticsReport;
import dev.verge.cloud.analytics.AnalyticsReport.Point;
import dev.verge.cloud.analytics.DriftAlert;
import dev.verge.cloud.analytics.DriftReading;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The dashboard as one server-rendered HTML page with inline SVG charts and inline CSS: nothing
 * loaded from elsewhere, no script. Numbers carry ids ({@code total-requests}, {@code latency-p95},
 * {@code label-ripe}, ...) so a test, or a person with a browser's inspector, can find them.
 */
final class DashboardPage {
    private static final DateTimeFormatter HOUR = DateTimeFormatter.ofPattern("MM-dd HH:mm").withZone(ZoneOffset.UTC);
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'").withZone(ZoneOffset.UTC);

    private DashboardPage() {}

    static String render(DashboardData data) {
        AnalyticsReport r = data.report();
        AnalyticsReport.Summary t = r.totals();
        StringBuilder h = new StringBuilder(32 * 1024);
        h.append("<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">")
                .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">")
                .append("<title>Verge dashboard</title><style>").append(CSS).append("</style></head><body>")
                .append("<header><h1>Verge</h1><p class=\"muted\">")
                .append(esc(filterText(r))).append(" &middot; ").append(esc(TIME.format(r.query().from()))).append(" to ")
                .append(esc(TIME.format(r.query().to()))).append(" &middot; from ").append(r.rollups()).append(" ")
                .append(esc(r.source())).append(" rollups &middot; rendered ").append(esc(TIME.format(data.now())))
                .append("</p><form method=\"post\" action=\"dashboard/logout\"><button type=\"submit\">Sign out</button></form>")
                .append("</header><main>");

        h.append("<section class=\"tiles\">")
                .append(tile("Requests", "total-requests", Long.toString(t.requests())))
                .append(tile("Errors (5xx)", "total-errors", Long.toString(t.errors())))
                .append(tile("Error rate", "error-rate", Html.percent(t.errorRate())))
                .append(tile("Client errors (4xx)", "total-client-errors", Long.toString(t.clientErrors())))
                .append(tile("No model", "total-no-model", Long.toString(r.noModel().requests())))
                .append(tile("Records rejected", "total-rejected", Long.toString(t.rejected())))
                .append(tile("Latency p50", "latency-p50", Html.ms(t.latencyMs().p50()) + " ms"))
                .append(tile("Latency p95", "latency-p95", Html.ms(t.latencyMs().p95()) + " ms"))
                .append(tile("Latency p99", "latency-p99", Html.ms(t.latencyMs().p99()) + " ms"))
                .append("</section>");

        List<String> hours = r.series().stream().map(p -> HOUR.format(p.hour())).toList();
        Map<String, double[]> volume = new LinkedHashMap<>();
        volume.put("answered", r.series().stream().mapToDouble(p -> p.requests() - p.errors() - p.clientErrors()).toArray());
        volume.put("errors (5xx)", r.series().stream().mapToDouble(Point::errors).toArray());
        volume.put("client errors (4xx)", r.series().stream().mapToDouble(Point::clientErrors).toArray());
        Map<String, double[]> latency = new LinkedHashMap<>();
        latency.put("p50", r.series().stream().mapToDouble(p -> orNaN(p.latencyMs().p50())).toArray());
        latency.put("p95", r.series().stream().mapToDouble(p -> orNaN(p.latencyMs().p95())).toArray());
        latency.put("p99", r.series().stream().mapToDouble(p -> orNaN(p.latencyMs().p99())).toArray());
        h.append("<section class=\"grid\"><div class=\"card\"><h2>Requests and errors per hour</h2>")
                .append(SvgCharts.stackedBars("chart-requests", "requests and errors per hour", hours, volume))
                .append("</div><div class=\"card\"><h2>Latency per hour (ms)</h2>")
                .append(SvgCharts.lines("chart-latency", "latency percentiles per hour", hours, latency))
                .append("</div>");

        h.append("<div class=\"card\"><h2>Label mix</h2>");
        long labelled = t.labels().values().stream().mapToLong(Long::longValue).sum();
        if (labelled == 0) {
            h.append("<p class=\"muted\">No labelled predictions in this range.</p>");
        } else {
            List<String> names = new ArrayList<>(t.labels().keySet());
            double[] counts = names.stream().mapToDouble(n -> t.labels().get(n)).toArray();
            List<String> texts = names.stream().map(n -> t.labels().get(n) + " (" + Html.percent((double) t.labels().get(n) / labelled) + ")").toList();
            h.append(SvgCharts.hbars("chart-labels", "label mix", names, counts, texts, false));
            h.append("<table class=\"small\"><tr><th>label</th><th>predictions</th><th>share</th></tr>");
            for (String name : names) {
                h.append("<tr><td>").append(esc(name)).append("</td><td class=\"num\" id=\"label-").append(esc(idSafe(name))).append("\">")
                        .append(t.labels().get(name)).append("</td><td class=\"num\">")
                        .append(Html.percent((double) t.labels().get(name) / labelled)).append("</td></tr>");
            }
            h.append("</table>");
        }
        h.append("</div><div class=\"card\"><h2>Confidence of the top label</h2>");
        List<String> bins = new ArrayList<>();
        List<String> binTexts = new ArrayList<>();
        double[] binCounts = new double[Aggregate.CONFIDENCE_BINS];
        for (int i = 0; i < Aggregate.CONFIDENCE_BINS; i++) {
            bins.add(String.format(java.util.Locale.ROOT, "%.1f\u2013%.1f", i / 10.0, (i + 1) / 10.0));
            binCounts[i] = t.confidence().get(i);
            binTexts.add(Long.toString(t.confidence().get(i)));
        }
        h.append(SvgCharts.hbars("chart-confidence", "confidence histogram", bins, binCounts, binTexts, true)).append("</div></section>");

        h.append("<section class=\"card\"><h2>Drift per model version</h2>");
        if (r.drift().isEmpty()) {
            h.append("<p class=\"muted\">No model version sent data in this range.</p>");
        } else {
            h.append("<table id=\"drift\"><tr><th>model</th><th>version</th><th>requests</th><th>error rate</th><th>p95 ms</th>")
                    .append("<th>status</th><th>PSI</th><th>label PSI</th><th>confidence PSI</th><th>baseline</th><th>recent predictions</th></tr>");
            for (DriftReading d : r.drift()) {
                AnalyticsReport.VersionSummary v = r.versions().stream()
                        .filter(s -> s.model().equals(d.model()) && s.version().equals(d.version())).findFirst().orElse(null);
                String rowId = idSafe(d.model() + "-" + d.version());
                h.append("<tr><td>").append(esc(d.model())).append("</td><td>").append(esc(d.version())).append("</td><td class=\"num\">")
                        .append(v == null ? "0" : v.requests()).append("</td><td class=\"num\">").append(v == null ? "\u2013" : Html.percent(v.errorRate()))
                        .append("</td><td class=\"num\">").append(v == null ? "\u2013" : Html.ms(v.latencyMs().p95()))
                        .append("</td><td><span class=\"badge ").append(esc(d.status())).append("\" id=\"drift-status-").append(esc(rowId)).append("\">")
                        .append(esc(d.status())).append("</span></td><td class=\"num\" id=\"drift-psi-").append(esc(rowId)).append("\">")
                        .append(Html.psi(d.psi())).append("</td><td class=\"num\">").append(Html.psi(d.labelPsi()))
                        .append("</td><td class=\"num\">").append(Html.psi(d.confidencePsi())).append("</td><td>")
                        .append(esc(d.baselineSource() == null ? "\u2013" : d.baselineSource())).append("</td><td class=\"num\">")
                        .append(d.recentCount()).append("</td></tr>");
            }
            h.append("</table><p class=\"muted\">PSI at or above ").append(r.drift().getFirst().threshold())
                    .append(" counts as drift; recent = the last hours after the baseline.</p>");
        }
        if (!data.alerts().isEmpty()) {
            h.append("<h3>Drift alerts</h3><ul id=\"drift-alerts\">");
            for (DriftAlert a : data.alerts()) {
                h.append("<li>").append(esc(TIME.format(a.at()))).append(" ").append(esc(a.type())).append(" ")
                        .append(esc(a.model())).append(" ").append(esc(a.version())).append(" PSI ").append(Html.psi(a.psi())).append("</li>");
            }
            h.append("</ul>");
        }
        h.append("</section>");

        h.append("<section class=\"grid\"><div class=\"card\"><h2>Devices</h2>");
        if (data.devices().isEmpty()) {
            h.append("<p class=\"muted\">No device has registered or sent telemetry yet.</p>");
        } else {
            h.append("<table id=\"devices\"><tr><th>device</th><th>group</th><th>version</th><th>version in telemetry</th>")
                    .append("<th>last seen</th><th>records</th><th>dropped</th><th>rejected</th><th>journal</th></tr>");
            for (DashboardData.DeviceRow d : data.devices()) {
                h.append("<tr><td>").append(esc(d.id())).append("</td><td>").append(esc(orDash(d.group()))).append("</td><td>")
                        .append(esc(orDash(d.version()))).append("</td><td id=\"device-version-").append(esc(idSafe(d.id()))).append("\">")
                        .append(esc(orDash(d.seenVersion()))).append("</td><td>").append(d.lastSeen() == null ? "\u2013" : esc(TIME.format(d.lastSeen())))
                        .append("</td><td class=\"num\">").append(d.records()).append("</td><td class=\"num\">").append(d.dropped())
                        .append("</td><td class=\"num\" id=\"device-rejected-").append(esc(idSafe(d.id()))).append("\">")
                        .append(d.rejected()).append("</td><td id=\"device-journal-").append(esc(idSafe(d.id()))).append("\">")
                        .append(esc(orDash(d.journal()))).append("</td></tr>");
            }
            h.append("</table>");
        }
        if (!data.shadows().isEmpty()) {
            h.append("<h2>Shadow candidates</h2><table id=\"shadows\"><tr><th>device</th><th>model</th><th>serving</th>")
                    .append("<th>candidate</th><th>pairs</th><th>agreement</th><th>candidate p95 ms</th><th>dropped</th></tr>");
            for (DashboardData.ShadowRow row : data.shadows()) {
                var s = row.shadow();
                String rowId = idSafe(row.device() + "-" + s.model() + "-" + s.candidate());
                h.append("<tr><td>").append(esc(row.device())).append("</td><td>").append(esc(s.model())).append("</td><td>")
                        .append(esc(s.version())).append("</td><td>").append(esc(s.candidate())).append("</td><td class=\"num\">")
                        .append(s.pairs()).append("</td><td class=\"num\" id=\"shadow-agreement-").append(esc(rowId)).append("\">")
                        .append(s.agreement() == null ? "\u2013" : String.format(java.util.Locale.ROOT, "%.1f%%", 100 * s.agreement()))
                        .append("</td><td class=\"num\">").append(s.candidateLatencyMs() == null
                                ? "\u2013" : String.format(java.util.Locale.ROOT, "%.1f", s.candidateLatencyMs().p95()))
                        .append("</td><td class=\"num\">").append(s.dropped()).append("</td></tr>");
            }
            h.append("</table>");
        }
        h.append("</div><div class=\"card\"><h2>Recent rollouts</h2>");
        if (data.rollouts().isEmpty()) {
            h.append("<p class=\"muted\">No deployments yet.</p>");
        } else {
            h.append("<table id=\"rollouts\"><tr><th>deployment</th><th>model</th><th>version</th><th>group</th><th>strategy</th><th>state</th><th>at</th></tr>");
            for (DashboardData.RolloutRow d : data.rollouts()) {
                h.append("<tr><td>").append(esc(d.id())).append("</td><td>").append(esc(orDash(d.model()))).append("</td><td>")
                        .append(esc(orDash(d.version()))).append("</td><td>").append(esc(orDash(d.group()))).append("</td><td>")
                        .append(esc(orDash(d.strategy()))).append("</td><td>").append(esc(orDash(d.state()))).append("</td><td>")
                        .append(d.at() == null ? "\u2013" : esc(TIME.format(d.at()))).append("</td></tr>");
            }
            h.append("</table>");
        }
        h.append("</div></section></main></body></html>");
        return h.toString();
    }

    private static String tile(String title, String id, String value) {
        return "<div class=\"tile\"><div class=\"muted\">" + esc(title) + "</div><div class=\"big\" id=\"" + id + "\">" + esc(value) + "</div></div>";
    }

    private static String filterText(AnalyticsReport r) {
        List<String> parts = new ArrayList<>();
        if (r.query().model() != null) {
            parts.add("model " + r.query().model());
        }
        if (r.query().version() != null) {
            parts.add("version " + r.query().version());
        }
        if (r.query().group() != null) {
            parts.add("group " + r.query().group());
        }
        if (r.query().device() != null) {
            parts.add("device " + r.query().device());
        }
        return parts.isEmpty() ? "all models and devices" : String.join(", ", parts);
    }

    /** An id-safe form of a name: letters, digits, '-', '_' and '.' kept, anything else '_'. */
    static String idSafe(String name) {
        return name.replaceAll("[^A-Za-z0-9._-]", "_");
    }

    private static String orDash(String s) {
        return s == null || s.isEmpty() ? "\u2013" : s;
    }

    private static double orNaN(Double d) {
        return d == null ? Double.NaN : d;
    }

    /** The page's only stylesheet; the Content-Security-Policy allows it by its hash. */
    static final String CSS = """
            body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:0;background:#f3f4f6;color:#111827}
            header{background:#111827;color:#f9fafb;padding:12px 24px}header h1{margin:0;font-size:22px}
            header .muted{color:#d1d5db}main{padding:16px 24px}
            .muted{color:#6b7280;font-size:13px;margin:4px 0}
            .tiles{display:flex;flex-wrap:wrap;gap:12px;margin-bottom:16px}
            .tile{background:#fff;border-radius:8px;padding:10px 16px;min-width:120px;box-shadow:0 1px 2px #0001}
            .big{font-size:24px;font-weight:600}
            .grid{display:grid;grid-template-columns:repeat(auto-fit,minmax(580px,1fr));gap:16px;margin-bottom:16px}
            .card{background:#fff;border-radius:8px;padding:12px 16px;box-shadow:0 1px 2px #0001;margin-bottom:16px;overflow-x:auto}
            h2{font-size:16px;margin:4px 0 8px}table{border-collapse:collapse;font-size:13px}
            th,td{padding:4px 10px;border-bottom:1px solid #e5e7eb;text-align:left}td.num{text-align:right;font-variant-numeric:tabular-nums}
            .badge{padding:2px 8px;border-radius:10px;background:#e5e7eb}.badge.drifting{background:#fee2e2;color:#991b1b}
            .badge.ok{background:#dcfce7;color:#166534}
            """;
}
