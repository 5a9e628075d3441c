namespace HealthyApi.Management;

/// <summary>The <c>Admin</c> section.</summary>
public sealed class AdminOptions
{
    public const string Section = "Admin";

    /// <summary>Bearer token that non-loopback callers must present to drain or resume; none = remote admin refused.</summary>
    public string? Token { get; set; }
}
