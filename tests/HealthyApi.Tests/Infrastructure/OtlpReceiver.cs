using System.Collections.Concurrent;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace HealthyApi.Tests.Infrastructure;

/// <summary>
/// An OTLP/HTTP (protobuf) collector on loopback: accepts /v1/traces, /v1/metrics and /v1/logs and
/// decodes the few fields the tests assert on, with a small protobuf wire-format reader (no generated
/// code: the OTLP proto packages are not needed for that).
/// </summary>
public sealed class OtlpReceiver : IAsyncDisposable
{
    private readonly WebApplication _app;

    private OtlpReceiver(WebApplication app, int port)
    {
        _app = app;
        Endpoint = $"http://127.0.0.1:{port}";
    }

    public string Endpoint { get; }

    public ConcurrentQueue<ReceivedSpan> Spans { get; } = new();

    public ConcurrentQueue<string> MetricNames { get; } = new();

    public ConcurrentQueue<string> ServiceNames { get; } = new();

    public static async Task<OtlpReceiver> StartAsync()
    {
        var port = FreePort.Next();
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var receiver = new OtlpReceiver(app, port);
        app.MapPost("/v1/traces", async (HttpContext context) => receiver.ReadTraces(await BodyAsync(context)));
        app.MapPost("/v1/metrics", async (HttpContext context) => receiver.ReadMetrics(await BodyAsync(context)));
        app.MapPost("/v1/logs", async (HttpContext context) => { await BodyAsync(context); return Results.Bytes([], "application/x-protobuf"); });
        await app.StartAsync();
        return receiver;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private static async Task<byte[]> BodyAsync(HttpContext context)
    {
        using var buffer = new MemoryStream();
        await context.Request.Body.CopyToAsync(buffer);
        return buffer.ToArray();
    }

    // ExportTraceServiceRequest { 1: ResourceSpans { 1: Resource, 2: ScopeSpans { 1: scope { 1: name }, 2: Span } } }
    private IResult ReadTraces(byte[] body)
    {
        foreach (var resourceSpans in Protobuf.Messages(body, 1))
        {
            RecordServiceName(resourceSpans);
            foreach (var scopeSpans in Protobuf.Messages(resourceSpans, 2))
            {
                var scope = Protobuf.Messages(scopeSpans, 1).Select(s => Protobuf.String(s, 1)).FirstOrDefault() ?? "";
                foreach (var span in Protobuf.Messages(scopeSpans, 2))
                {
                    // Span { 5: name, 9: attributes }
                    Spans.Enqueue(new ReceivedSpan(scope, Protobuf.String(span, 5) ?? "", Attributes(span, 9)));
                }
            }
        }

        return Results.Bytes([], "application/x-protobuf");
    }

    // ExportMetricsServiceRequest { 1: ResourceMetrics { 1: Resource, 2: ScopeMetrics { 2: Metric { 1: name } } } }
    private IResult ReadMetrics(byte[] body)
    {
        foreach (var resourceMetrics in Protobuf.Messages(body, 1))
        {
            RecordServiceName(resourceMetrics);
            foreach (var scopeMetrics in Protobuf.Messages(resourceMetrics, 2))
            {
                foreach (var metric in Protobuf.Messages(scopeMetrics, 2))
                {
                    MetricNames.Enqueue(Protobuf.String(metric, 1) ?? "");
                }
            }
        }

        return Results.Bytes([], "application/x-protobuf");
    }

    private void RecordServiceName(ReadOnlyMemory<byte> resourceContainer)
    {
        foreach (var resource in Protobuf.Messages(resourceContainer, 1))
        {
            if (Attributes(resource, 1).TryGetValue("service.name", out var name))
            {
                ServiceNames.Enqueue(name);
            }
        }
    }

    // KeyValue { 1: key, 2: AnyValue { 1: string, 2: bool, 3: int, 4: double } }
    private static Dictionary<string, string> Attributes(ReadOnlyMemory<byte> message, int field)
    {
        var attributes = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var keyValue in Protobuf.Messages(message, field))
        {
            var key = Protobuf.String(keyValue, 1) ?? "";
            var value = Protobuf.Messages(keyValue, 2).Select(v =>
                Protobuf.String(v, 1) ?? Protobuf.Varint(v, 3)?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? Protobuf.Varint(v, 2)?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "").FirstOrDefault() ?? "";
            attributes[key] = value;
        }

        return attributes;
    }
}

public sealed record ReceivedSpan(string Scope, string Name, IReadOnlyDictionary<string, string> Attributes)
{
    public string? Attribute(string key) => Attributes.GetValueOrDefault(key);

    public override string ToString() => $"{Scope} '{Name}' {string.Join(' ', Attributes.Select(a => $"{a.Key}={a.Value}"))}";
}

/// <summary>The protobuf wire format, read-only, just enough for OTLP: varints and length-delimited fields.</summary>
public static class Protobuf
{
    public static IEnumerable<ReadOnlyMemory<byte>> Messages(ReadOnlyMemory<byte> message, int field) =>
        Fields(message).Where(f => f.Field == field && f.WireType == 2).Select(f => f.Bytes);

    public static string? String(ReadOnlyMemory<byte> message, int field) =>
        Messages(message, field).Select(b => Encoding.UTF8.GetString(b.Span)).FirstOrDefault();

    public static ulong? Varint(ReadOnlyMemory<byte> message, int field) =>
        Fields(message).Where(f => f.Field == field && f.WireType == 0).Select(f => (ulong?)f.Varint).FirstOrDefault();

    private static List<(int Field, int WireType, ulong Varint, ReadOnlyMemory<byte> Bytes)> Fields(ReadOnlyMemory<byte> message)
    {
        var fields = new List<(int, int, ulong, ReadOnlyMemory<byte>)>();
        var position = 0;
        var span = message.Span;
        while (position < span.Length)
        {
            var tag = ReadVarint(span, ref position);
            var field = (int)(tag >> 3);
            var wireType = (int)(tag & 7);
            switch (wireType)
            {
                case 0:
                    fields.Add((field, wireType, ReadVarint(span, ref position), ReadOnlyMemory<byte>.Empty));
                    break;
                case 1:
                    position += 8;
                    break;
                case 2:
                    var length = (int)ReadVarint(span, ref position);
                    fields.Add((field, wireType, 0, message.Slice(position, length)));
                    position += length;
                    break;
                case 5:
                    position += 4;
                    break;
                default:
                    throw new InvalidDataException($"unsupported protobuf wire type {wireType} at byte {position}");
            }
        }

        return fields;
    }

    private static ulong ReadVarint(ReadOnlySpan<byte> span, ref int position)
    {
        ulong value = 0;
        for (var shift = 0; ; shift += 7)
        {
            var b = span[position++];
            value |= (ulong)(b & 0x7F) << shift;
            if ((b & 0x80) == 0)
            {
                return value;
            }
        }
    }
}
