package dev.verge.cloud.dashboard;

import java.util.Locale;

/** Escaping and number formats shared by the page and its charts. */
final class Html {
    private Html() {}

    static String esc(Object value) {
        if (value == null) {
            return "";
        }
        String s = value.toString();
        StringBuilder out = new StringBuilder(s.length() + 8);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '&' -> out.append("&amp;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&#39;");
                default -> out.append(c);
            }
        }
        return out.toString();
    }

    /** Milliseconds with one decimal ({@code 7.9}), or an en dash when unknown. */
    static String ms(Double value) {
        return value == null ? "\u2013" : String.format(Locale.ROOT, "%.1f", value);
    }

    /** A share as a percentage with two decimals ({@code 1.25%}). */
    static String percent(double share) {
        return String.format(Locale.ROOT, "%.2f%%", share * 100);
    }

    /** A PSI with three decimals, or an en dash when unknown. */
    static String psi(Double value) {
        return value == null ? "\u2013" : String.format(Locale.ROOT, "%.3f", value);
    }

    static String num(double value) {
        return String.format(Locale.ROOT, "%.1f", value);
    }
}
