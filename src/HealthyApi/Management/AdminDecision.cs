namespace HealthyApi.Management;

public enum AdminDecision
{
    Allowed,

    /// <summary>401: a token is configured and the caller did not present it.</summary>
    Unauthorized,

    /// <summary>403: remote admin is disabled because no token is configured.</summary>
    Forbidden,
}
