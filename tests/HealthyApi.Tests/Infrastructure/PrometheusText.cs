using System.Globalization;

namespace HealthyApi.Tests.Infrastructure;

/// <summary>Reads sample values out of a Prometheus text exposition, for assertions.</summary>
public sealed class PrometheusText
{
    private readonly Dictionary<string, double> _samples = new(StringComparer.Ordinal);

    public PrometheusText(string text)
    {
        Text = text;
        foreach (var line in text.Split('\n'))
        {
            if (line.Length == 0 || line[0] == '#')
            {
                continue;
            }

            var space = line.LastIndexOf(' ');
            var value = line[(space + 1)..] switch
            {
                "+Inf" => double.PositiveInfinity,
                "-Inf" => double.NegativeInfinity,
                var v => double.Parse(v, CultureInfo.InvariantCulture),
            };
            _samples[line[..space]] = value;
        }
    }

    public string Text { get; }

    public IEnumerable<string> Series => _samples.Keys;

    /// <summary>The value of one series, written as it appears, e.g. <c>readyz_total{result="fail"}</c>; 0 when absent (a counter not yet incremented).</summary>
    public double Value(string series) => _samples.GetValueOrDefault(series);

    public bool Has(string series) => _samples.ContainsKey(series);

    public bool HasFamily(string name) => Text.Contains($"# TYPE {name} ", StringComparison.Ordinal);
}
