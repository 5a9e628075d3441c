namespace HealthyApi.Management;

/// <summary>The <c>Management</c> section.</summary>
public sealed class ManagementOptions
{
    public const string Section = "Management";

    /// <summary>
    /// Port for probes, metrics and admin. 0 serves them on the app port instead; admin then always
    /// needs the token and error texts are hidden from untrusted callers.
    /// </summary>
    public int Port { get; set; } = 8081;

    public bool SharesAppPort => Port == 0;
}
