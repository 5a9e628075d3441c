using Microsoft.AspNetCore.Http.Metadata;

namespace HealthyApi.Features.Notes;

/// <summary>Endpoint metadata that routing applies as the request's body-size limit (413 beyond it).</summary>
public sealed class RequestBodyLimit(long bytes) : IRequestSizeLimitMetadata
{
    public long? MaxRequestBodySize { get; } = bytes;
}
