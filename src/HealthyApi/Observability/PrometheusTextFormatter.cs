using System.Globalization;
using System.Text;
using OpenTelemetry.Metrics;

namespace HealthyApi.Observability;

/// <summary>
/// Writes OpenTelemetry metrics in the Prometheus text exposition format 0.0.4. It stands in for
/// prometheus-net.AspNetCore and OpenTelemetry.Exporter.Prometheus.AspNetCore, neither of which
/// restores from the registry this template is built against; it follows the same OpenTelemetry →
/// Prometheus naming rules, so dashboards written for those keep working:
/// <list type="bullet">
/// <item>dots and other characters outside <c>[a-zA-Z0-9_:]</c> become <c>_</c>;</item>
/// <item>the unit becomes a suffix in base-unit words (<c>s</c> → <c>_seconds</c>, <c>By</c> → <c>_bytes</c>); annotations like <c>{request}</c> are dropped;</item>
/// <item>monotonic sums are counters and end in <c>_total</c>; up-down sums and gauges are gauges;</item>
/// <item>a gauge whose name would end in <c>_count</c>, <c>_sum</c> or <c>_bucket</c> (reserved for histogram series) gets <c>_current</c> appended;</item>
/// <item>histograms give cumulative <c>_bucket{le}</c> series ending in <c>le="+Inf"</c>, then <c>_sum</c> and <c>_count</c>.</item>
/// </list>
/// Each family is written once, with HELP and TYPE lines, even when two meters report an instrument of
/// the same name. Label values escape <c>\</c>, <c>"</c> and newline; HELP escapes <c>\</c> and newline.
/// </summary>
public static partial class PrometheusTextFormatter
{
    public const string ContentType = "text/plain; version=0.0.4; charset=utf-8";

    private static readonly string[] ReservedSuffixes = ["_count", "_sum", "_bucket"];

    public static string Format(IEnumerable<Metric> metrics)
    {
        var families = new Dictionary<string, (string Type, string Help, StringBuilder Samples)>(StringComparer.Ordinal);
        var order = new List<string>();
        foreach (var metric in metrics)
        {
            var type = TypeOf(metric.MetricType);
            if (type is null)
            {
                continue; // exponential histograms are not configured; 0.0.4 cannot carry them
            }

            var name = FamilyName(metric.Name, metric.Unit, type);
            if (!families.TryGetValue(name, out var family))
            {
                family = (type, string.IsNullOrWhiteSpace(metric.Description) ? metric.Name : metric.Description, new StringBuilder());
                families[name] = family;
                order.Add(name);
            }
            else if (family.Type != type)
            {
                continue; // same name, different kind: one family cannot hold both
            }

            foreach (ref readonly var point in metric.GetMetricPoints())
            {
                WritePoint(family.Samples, name, metric.MetricType, point);
            }
        }

        var text = new StringBuilder();
        foreach (var name in order)
        {
            var (type, help, samples) = families[name];
            if (samples.Length == 0)
            {
                continue;
            }

            text.Append("# HELP ").Append(name).Append(' ').Append(EscapeHelp(help)).Append('\n');
            text.Append("# TYPE ").Append(name).Append(' ').Append(type).Append('\n');
            text.Append(samples);
        }

        return text.ToString();
    }

    /// <summary>The Prometheus family name for an OpenTelemetry instrument (see the class summary).</summary>
    public static string FamilyName(string instrument, string? unit, string type)
    {
        var name = SanitizeMetricName(instrument);
        var suffix = UnitSuffix(unit);
        if (suffix.Length > 0 && !name.EndsWith("_" + suffix, StringComparison.Ordinal))
        {
            name = $"{name}_{suffix}";
        }

        if (type == "counter" && !name.EndsWith("_total", StringComparison.Ordinal))
        {
            name += "_total";
        }
        else if (type == "gauge" && ReservedSuffixes.Any(reserved => name.EndsWith(reserved, StringComparison.Ordinal)))
        {
            // OpenTelemetry names "number of X right now" gauges x.count (dotnet.timer.count,
            // db.client.connection.count); in Prometheus _count belongs to histograms and summaries, and
            // promtool rejects it on a gauge. Appending keeps the OpenTelemetry name recognisable.
            name += "_current";
        }

        return name;
    }

    public static string EscapeLabelValue(string value) =>
        value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal);

    public static string EscapeHelp(string help) =>
        help.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal);

    public static string FormatValue(double value) => value switch
    {
        double.PositiveInfinity => "+Inf",
        double.NegativeInfinity => "-Inf",
        double.NaN => "NaN",
        _ => value.ToString("R", CultureInfo.InvariantCulture),
    };

    private static string? TypeOf(MetricType type) => type switch
    {
        MetricType.LongSum or MetricType.DoubleSum => "counter",
        MetricType.LongSumNonMonotonic or MetricType.DoubleSumNonMonotonic => "gauge",
        MetricType.LongGauge or MetricType.DoubleGauge => "gauge",
        MetricType.Histogram => "histogram",
        _ => null,
    };

    private static void WritePoint(StringBuilder samples, string name, MetricType type, in MetricPoint point)
    {
        var labels = Labels(point);
        switch (type)
        {
            case MetricType.LongSum or MetricType.LongSumNonMonotonic:
                WriteSample(samples, name, labels, null, point.GetSumLong().ToString(CultureInfo.InvariantCulture));
                break;
            case MetricType.DoubleSum or MetricType.DoubleSumNonMonotonic:
                WriteSample(samples, name, labels, null, FormatValue(point.GetSumDouble()));
                break;
            case MetricType.LongGauge:
                WriteSample(samples, name, labels, null, point.GetGaugeLastValueLong().ToString(CultureInfo.InvariantCulture));
                break;
            case MetricType.DoubleGauge:
                WriteSample(samples, name, labels, null, FormatValue(point.GetGaugeLastValueDouble()));
                break;
            case MetricType.Histogram:
                long cumulative = 0;
                foreach (var bucket in point.GetHistogramBuckets())
                {
                    cumulative += bucket.BucketCount;
                    WriteSample(samples, name + "_bucket", labels, FormatValue(bucket.ExplicitBound), cumulative.ToString(CultureInfo.InvariantCulture));
                }

                WriteSample(samples, name + "_sum", labels, null, FormatValue(point.GetHistogramSum()));
                WriteSample(samples, name + "_count", labels, null, point.GetHistogramCount().ToString(CultureInfo.InvariantCulture));
                break;
        }
    }

    private static void WriteSample(StringBuilder samples, string name, List<KeyValuePair<string, string>> labels, string? le, string value)
    {
        samples.Append(name);
        if (labels.Count > 0 || le is not null)
        {
            samples.Append('{');
            var first = true;
            foreach (var (key, labelValue) in labels)
            {
                if (!first)
                {
                    samples.Append(',');
                }

                samples.Append(key).Append("=\"").Append(EscapeLabelValue(labelValue)).Append('"');
                first = false;
            }

            if (le is not null)
            {
                samples.Append(first ? "" : ",").Append("le=\"").Append(le).Append('"');
            }

            samples.Append('}');
        }

        samples.Append(' ').Append(value).Append('\n');
    }

    /// <summary>Label names sanitized; two tags that sanitize to the same name are joined with ';' rather than repeated.</summary>
    private static List<KeyValuePair<string, string>> Labels(in MetricPoint point)
    {
        var labels = new List<KeyValuePair<string, string>>();
        foreach (var tag in point.Tags)
        {
            var key = SanitizeLabelName(tag.Key);
            var value = Convert.ToString(tag.Value, CultureInfo.InvariantCulture) ?? "";
            var existing = labels.FindIndex(l => l.Key == key);
            if (existing >= 0)
            {
                labels[existing] = new(key, labels[existing].Value + ";" + value);
            }
            else
            {
                labels.Add(new(key, value));
            }
        }

        labels.Sort((a, b) => string.CompareOrdinal(a.Key, b.Key));
        return labels;
    }

    private static string SanitizeMetricName(string name)
    {
        var sanitized = Sanitize(name, allowColon: true);
        return char.IsAsciiDigit(sanitized[0]) ? "_" + sanitized : sanitized;
    }

    private static string SanitizeLabelName(string name)
    {
        var sanitized = Sanitize(name, allowColon: false);
        // Names starting with a digit are invalid and names starting with "__" are reserved for Prometheus.
        return char.IsAsciiDigit(sanitized[0]) || sanitized[0] == '_' ? "key_" + sanitized.TrimStart('_') : sanitized;
    }

    private static string Sanitize(string name, bool allowColon)
    {
        var text = new StringBuilder(name.Length);
        foreach (var c in name)
        {
            var valid = char.IsAsciiLetterOrDigit(c) || c == '_' || (allowColon && c == ':');
            var next = valid ? c : '_';
            if (next == '_' && text.Length > 0 && text[^1] == '_')
            {
                continue; // "a..b" → "a_b", not "a__b"
            }

            text.Append(next);
        }

        return text.Length == 0 ? "_" : text.ToString();
    }

    /// <summary>UCUM unit → Prometheus suffix: base units spelled out, annotations dropped, "/" → "_per_".</summary>
    private static string UnitSuffix(string? unit)
    {
        if (string.IsNullOrWhiteSpace(unit))
        {
            return "";
        }

        var withoutAnnotations = UnitAnnotation().Replace(unit, "");
        var parts = withoutAnnotations.Split('/', 2);
        var main = UnitWord(parts[0]);
        var per = parts.Length > 1 ? UnitWord(parts[1], singular: true) : "";
        var suffix = (main, per) switch
        {
            ("", "") => "",
            (_, "") => main,
            ("", _) => "per_" + per,
            _ => $"{main}_per_{per}",
        };
        return Sanitize(suffix, allowColon: false).Trim('_');
    }

    private static string UnitWord(string unit, bool singular = false) => unit.Trim() switch
    {
        "" or "1" => "",
        "d" => singular ? "day" : "days",
        "h" => singular ? "hour" : "hours",
        "min" => singular ? "minute" : "minutes",
        "s" => singular ? "second" : "seconds",
        "ms" => singular ? "millisecond" : "milliseconds",
        "us" => singular ? "microsecond" : "microseconds",
        "ns" => singular ? "nanosecond" : "nanoseconds",
        "By" => "bytes",
        "KiBy" => "kibibytes",
        "MiBy" => "mebibytes",
        "GiBy" => "gibibytes",
        "%" => "percent",
        var other => other,
    };

    [System.Text.RegularExpressions.GeneratedRegex(@"\{[^}]*\}")]
    private static partial System.Text.RegularExpressions.Regex UnitAnnotation();
}
