namespace HealthyApi.Management;

public enum AdminDecision
{
    Allowed,

    /// <summary>401: a token is configured and the caller did not present it.</summary>
    Unauthorized,

    /// <summary>403: no token is configured and the caller is not loopback on the management port.</summary>
    Forbidden,

    /// <summary>403: the request carries a browser's cross-site marks (a web page sent it).</summary>
    FromBrowser,
}
